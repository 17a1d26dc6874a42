using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Conversations;

namespace Parley.Channels.Media;

/// <summary>
/// Signed, expiring links to stored files (<c>{Parley:PublicUrl}/media/{id}?expires={unix}&amp;sig={hex}</c>), which the
/// platforms fetch to deliver an advisor's file: no sign-in, only an HMAC-SHA256 of the id and the expiry under the key
/// every node shares (<see cref="MediaLinkKey"/>). A link names one file until it expires, and nothing else.
/// </summary>
public sealed class MediaLinks(MediaLinkKey key, IOptions<PublicAddressOptions> address, IOptions<MediaOptions> options, TimeProvider clock)
{
    public const string Path = "/media";

    public const string NoPublicUrl =
        "Files reach this channel by a link the platform fetches, and this deployment has no public address: an administrator sets Parley:PublicUrl (for example https://care.example.com).";

    public bool HasPublicUrl => address.Value.BaseUri is not null;

    /// <summary>A link to the file that works for <see cref="MediaOptions.LinkLifetime"/> from now, or null without a public address.</summary>
    public async Task<string?> LinkAsync(long attachmentId, CancellationToken ct)
    {
        if (address.Value.BaseUri is not { } baseUri)
        {
            return null;
        }

        var expires = clock.GetUtcNow().Add(options.Value.LinkLifetime).ToUnixTimeSeconds();
        var sig = Convert.ToHexStringLower(Sign(await key.GetAsync(ct), attachmentId, expires));
        return string.Create(CultureInfo.InvariantCulture, $"{baseUri.AbsoluteUri}{Path.TrimStart('/')}/{attachmentId}?expires={expires}&sig={sig}");
    }

    /// <summary>Whether the link's signature is the one Parley gave for this file and expiry, and the expiry has not passed.</summary>
    public async Task<bool> IsValidAsync(long attachmentId, long expires, string? sig, CancellationToken ct) =>
        expires > clock.GetUtcNow().ToUnixTimeSeconds() && sig is not null && Matches(await key.GetAsync(ct), attachmentId, expires, sig);

    /// <summary>
    /// The payload a connector sends: a stored file (<see cref="MessagePayload.Attachment"/>) becomes a media with a fresh
    /// link, of the kind the channel shows it as. Unchanged when there is no file, the channel takes none by link, or no
    /// public address is set (the connector then refuses the file with <see cref="NoPublicUrl"/>).
    /// </summary>
    public async Task<MessagePayload?> WithLinkAsync(MessagePayload? payload, ChannelKind channel, CancellationToken ct)
    {
        if (payload?.Attachment is not { } file || payload.Media is { Count: > 0 } || !ChannelFiles.ByLink(channel)
            || await LinkAsync(file.Id, ct) is not { } link)
        {
            return payload;
        }

        return payload with { Media = [new ChannelMedia(ChannelFiles.KindOn(channel, file.ContentType, file.Size), link, Name: file.FileName, MimeType: file.ContentType)] };
    }

    private static bool Matches(byte[] key, long attachmentId, long expires, string sig)
    {
        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        return sig.Length == given.Length * 2
            && Convert.FromHexString(sig, given, out _, out var written) == System.Buffers.OperationStatus.Done && written == given.Length
            && CryptographicOperations.FixedTimeEquals(Sign(key, attachmentId, expires), given);
    }

    private static byte[] Sign(byte[] key, long attachmentId, long expires) =>
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"media:{attachmentId}:{expires}")));
}
