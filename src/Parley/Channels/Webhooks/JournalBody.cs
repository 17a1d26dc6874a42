using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;

namespace Parley.Channels.Webhooks;

/// <summary>
/// How a webhook's body is kept in the journal. A body of <see cref="PackFrom"/> bytes or more (a platform's batch of
/// events) is compressed: a zero byte, its length (4 bytes, little-endian), then Brotli at quality 1. JSON is repetitive
/// (every event names its page, sender and recipient), so ten Messenger events of ~2.5 KB keep in ~330 bytes: the
/// journal writes, and the database copies back from its log, a fraction of a page per webhook instead of a whole one.
/// A smaller body, or one that does not shrink, is kept as it came; a JSON body never starts with a zero byte, so rows
/// written before either way read back the same.
/// </summary>
public static class JournalBody
{
    public const int PackFrom = 1024;
    private const int Quality = 1;
    private const byte Packed = 0;

    public static byte[] Pack(byte[] body)
    {
        if (body.Length < PackFrom)
        {
            return body;
        }

        var packed = new byte[5 + BrotliEncoder.GetMaxCompressedLength(body.Length)];
        // A window just larger than the body: Brotli's encoder sizes its state by it.
        var window = Math.Clamp(BitOperations.Log2((uint)body.Length - 1) + 1, 10, 24);
        if (!BrotliEncoder.TryCompress(body, packed.AsSpan(5), out var written, Quality, window) || written + 5 >= body.Length)
        {
            return body;
        }

        packed[0] = Packed;
        BinaryPrimitives.WriteInt32LittleEndian(packed.AsSpan(1), body.Length);
        return packed[..(written + 5)];
    }

    /// <exception cref="InvalidDataException">A packed body that does not unpack to its length.</exception>
    public static byte[] Unpack(byte[] stored)
    {
        if (stored.Length < 5 || stored[0] != Packed)
        {
            return stored;
        }

        var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(1))];
        if (!BrotliDecoder.TryDecompress(stored.AsSpan(5), body, out var written) || written != body.Length)
        {
            throw new InvalidDataException("A journaled webhook's body does not unpack to its length.");
        }

        return body;
    }
}
