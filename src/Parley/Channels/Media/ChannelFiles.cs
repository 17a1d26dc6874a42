using Parley.Conversations;

namespace Parley.Channels.Media;

/// <summary>
/// Which of the files Parley accepts (<see cref="WebMessaging.AttachmentRules"/>: PNG, JPEG, GIF, WebP, PDF up to 10 MB)
/// each push channel carries, and as what, by the platforms' published limits.
/// </summary>
public static class ChannelFiles
{
    /// <summary>Instagram direct messages: images PNG, JPEG or GIF up to 8 MB (and video, audio, which Parley does not accept).</summary>
    public const long InstagramMaxImage = 8 * 1024 * 1024;

    /// <summary>WhatsApp shows JPEG and PNG up to 5 MB as an image; anything else goes as a document (up to 100 MB).</summary>
    public const long WhatsAppMaxImage = 5 * 1024 * 1024;

    public const string XNotYet =
        "X direct messages take a file only through an upload to X, which Parley does not make yet: share a link in a reply instead.";

    private static readonly string[] InstagramImages = ["image/png", "image/jpeg", "image/gif"];
    private static readonly string[] WhatsAppImages = ["image/png", "image/jpeg"];

    /// <summary>The channels that take a file by a link they fetch (Messenger, Instagram, WhatsApp).</summary>
    public static bool ByLink(ChannelKind channel) => channel is ChannelKind.Messenger or ChannelKind.Instagram or ChannelKind.WhatsApp;

    /// <summary>Why this file cannot go on the channel (said before anything is stored), or null.</summary>
    public static string? Refusal(ChannelKind channel, string contentType, long size) => channel switch
    {
        ChannelKind.Instagram when !InstagramImages.Contains(contentType) =>
            $"Instagram direct messages carry images (PNG, JPEG, GIF), video and audio only: a {Describe(contentType)} cannot go. Share a link in a reply instead.",
        ChannelKind.Instagram when size > InstagramMaxImage =>
            $"Instagram takes images of at most {InstagramMaxImage / (1024 * 1024)} MB: make this one smaller.",
        ChannelKind.X => XNotYet,
        _ => null,
    };

    /// <summary>What the channel shows the file as: an image where it can, else a file (a WhatsApp document).</summary>
    public static MediaKind KindOn(ChannelKind channel, string contentType, long size) => channel switch
    {
        ChannelKind.WhatsApp => WhatsAppImages.Contains(contentType) && size <= WhatsAppMaxImage ? MediaKind.Image : MediaKind.File,
        _ => contentType.StartsWith("image/", StringComparison.Ordinal) ? MediaKind.Image : MediaKind.File,
    };

    private static string Describe(string contentType) => contentType switch
    {
        "application/pdf" => "PDF document",
        _ when contentType.StartsWith("image/", StringComparison.Ordinal) => contentType["image/".Length..].ToUpperInvariant() + " image",
        _ => contentType,
    };
}
