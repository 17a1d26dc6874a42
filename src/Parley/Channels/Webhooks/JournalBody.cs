using System.Buffers.Binary;
using System.IO.Compression;

namespace Parley.Channels.Webhooks;

/// <summary>
/// How a webhook's body is kept in the journal. A body of <see cref="PackFrom"/> bytes or more (a platform's batch of
/// events) is compressed: a marker byte, then the compressed body. JSON is repetitive (every event names its page, sender
/// and recipient), so ten Messenger events of ~2.6 KB keep in under 500 bytes: the journal writes, and the database copies
/// back from its log, a fraction of a page per webhook instead of a whole one.
/// A smaller body, or one that does not shrink, is kept as it came. A JSON body never starts with a zero or one byte, so
/// every way a row was written reads back the same:
/// <list type="bullet">
/// <item><c>1</c>: Snappy's raw block, which carries the body's length (written now: ~1 µs for ten events, where Brotli
/// at quality 1 took 11 – 14 µs, a tenth of the answer's CPU; docs/PERFORMANCE.md, 2026-12-06 evening).</item>
/// <item><c>0</c>: the body's length (4 bytes, little-endian) and Brotli, as builds before wrote it; still read, for the
/// rows a node of such a build journaled before an upgrade.</item>
/// </list>
/// </summary>
public static class JournalBody
{
    public const int PackFrom = 1024;
    private const byte Brotli = 0;
    private const byte Snappy = 1;

    public static byte[] Pack(byte[] body)
    {
        if (body.Length < PackFrom)
        {
            return body;
        }

        var packed = new byte[1 + Snappier.Snappy.GetMaxCompressedLength(body.Length)];
        var written = Snappier.Snappy.Compress(body, packed.AsSpan(1));
        if (written + 1 >= body.Length)
        {
            return body;
        }

        packed[0] = Snappy;
        return packed[..(written + 1)];
    }

    /// <exception cref="InvalidDataException">A packed body that does not unpack to its length.</exception>
    public static byte[] Unpack(byte[] stored) => stored.Length == 0 ? stored : stored[0] switch
    {
        Snappy => UnpackSnappy(stored.AsSpan(1)),
        Brotli when stored.Length >= 5 => UnpackBrotli(stored),
        _ => stored,
    };

    private static byte[] UnpackSnappy(ReadOnlySpan<byte> packed)
    {
        // Snappier refuses a block that does not fill its stated length exactly (InvalidDataException).
        var body = new byte[Length(Snappier.Snappy.GetUncompressedLength(packed))];
        Snappier.Snappy.Decompress(packed, body);
        return body;
    }

    private static byte[] UnpackBrotli(byte[] stored)
    {
        var body = new byte[Length(BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(1)))];
        if (!BrotliDecoder.TryDecompress(stored.AsSpan(5), body, out var written) || written != body.Length)
        {
            throw Damaged();
        }

        return body;
    }

    /// <summary>A length header, checked before anything is allocated for it: no accepted body was larger.</summary>
    private static int Length(int stated) => stated is < 0 or > WebhookBody.MaxBytes ? throw Damaged() : stated;

    private static InvalidDataException Damaged() => new("A journaled webhook's body does not unpack to its length.");
}
