using Parley.Channels.WebMessaging;
using Parley.Conversations;

namespace Parley.Channels.Media;

/// <summary>
/// Which of the files Parley accepts (<see cref="AttachmentRules"/>: PNG, JPEG, GIF, WebP, PDF up to 10 MB) each channel
/// carries, up to what size, and as what, by the platforms' published limits. The console's attach button offers these
/// types (<see cref="Types"/>) and the server refuses any other (<see cref="Refusal"/>): one list for both.
/// </summary>
public static class ChannelFiles
{
    /// <summary>Instagram direct messages: images PNG, JPEG or GIF up to 8 MB (and video, audio, which Parley does not accept).</summary>
    public const long InstagramMaxImage = 8 * 1024 * 1024;

    /// <summary>WhatsApp shows JPEG and PNG up to 5 MB as an image; anything else goes as a document (up to 100 MB).</summary>
    public const long WhatsAppMaxImage = 5 * 1024 * 1024;

    /// <summary>X takes images up to 5 MB (<c>dm_image</c>) and animated GIFs up to 15 MB (<c>dm_gif</c>); no documents.</summary>
    public const long XMaxImage = 5 * 1024 * 1024;

    public const long XMaxGif = 15 * 1024 * 1024;

    private static readonly string[] InstagramImages = ["image/png", "image/jpeg", "image/gif"];
    private static readonly string[] WhatsAppImages = ["image/png", "image/jpeg"];
    private static readonly string[] XImages = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    /// <summary>The channels that take a file by a link they fetch (Messenger, Instagram, WhatsApp).</summary>
    public static bool ByLink(ChannelKind channel) => channel is ChannelKind.Messenger or ChannelKind.Instagram or ChannelKind.WhatsApp;

    /// <summary>The channels to which Parley uploads the file before the message that carries it (X).</summary>
    public static bool ByUpload(ChannelKind channel) => channel == ChannelKind.X;

    /// <summary>The content types a file may have on the channel, in <see cref="AttachmentRules.AllowedTypes"/>' order.</summary>
    public static IReadOnlyList<string> Types(ChannelKind channel) => channel switch
    {
        ChannelKind.Instagram => InstagramImages,
        ChannelKind.X => XImages,
        _ => AttachmentRules.AllowedTypes,
    };

    /// <summary>The largest file of this type the channel takes (never more than Parley's own <see cref="AttachmentRules.MaxBytes"/>).</summary>
    public static long MaxBytes(ChannelKind channel, string contentType) => Math.Min(AttachmentRules.MaxBytes, channel switch
    {
        ChannelKind.Instagram => InstagramMaxImage,
        ChannelKind.X => contentType == "image/gif" ? XMaxGif : XMaxImage,
        _ => AttachmentRules.MaxBytes,
    });

    /// <summary>Why this file cannot go on the channel (said before anything is stored), or null.</summary>
    public static string? Refusal(ChannelKind channel, string contentType, long size)
    {
        var types = Types(channel);
        if (!types.Contains(contentType))
        {
            var platform = channel switch
            {
                ChannelKind.Instagram => "Instagram direct messages carry images ({0}), video and audio only",
                ChannelKind.X => "X direct messages carry images ({0}) and video only",
                _ => "This channel carries {0} only",
            };
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, platform, string.Join(", ", types.Select(Short)))
                + $": a {Describe(contentType)} cannot go. Share a link in a reply instead.";
        }

        var max = MaxBytes(channel, contentType);
        return size > max ? $"{Name(channel)} takes {Describe(contentType)}s of at most {max / (1024 * 1024)} MB: make this one smaller." : null;
    }

    /// <summary>What the attach button says it takes: the types, grouped by their size limit ("PNG, JPEG, WebP up to 5 MB; GIF up to 10 MB").</summary>
    public static string Limits(ChannelKind channel) =>
        string.Join("; ", Types(channel).GroupBy(t => MaxBytes(channel, t))
            .Select(g => $"{string.Join(", ", g.Select(Short))} up to {g.Key / (1024 * 1024)} MB"));

    /// <summary>What the channel shows the file as: an image where it can, else a file (a WhatsApp document).</summary>
    public static MediaKind KindOn(ChannelKind channel, string contentType, long size) => channel switch
    {
        ChannelKind.WhatsApp => WhatsAppImages.Contains(contentType) && size <= WhatsAppMaxImage ? MediaKind.Image : MediaKind.File,
        _ => contentType.StartsWith("image/", StringComparison.Ordinal) ? MediaKind.Image : MediaKind.File,
    };

    private static string Name(ChannelKind channel) => channel switch
    {
        ChannelKind.Instagram => "Instagram",
        ChannelKind.X => "X",
        _ => "This channel",
    };

    /// <summary>A type's short name: PNG, JPEG, GIF, WebP, PDF.</summary>
    private static string Short(string contentType) => contentType switch
    {
        "application/pdf" => "PDF",
        "image/webp" => "WebP",
        _ when contentType.StartsWith("image/", StringComparison.Ordinal) => contentType["image/".Length..].ToUpperInvariant(),
        _ => contentType,
    };

    private static string Describe(string contentType) => contentType switch
    {
        "application/pdf" => "PDF document",
        _ when contentType.StartsWith("image/", StringComparison.Ordinal) => Short(contentType) + " image",
        _ => contentType,
    };
}
