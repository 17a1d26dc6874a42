using System.Buffers;
using System.Text;

namespace Parley.Channels.WebMessaging;

/// <summary>A file <see cref="AttachmentRules.Check"/> accepted: the type its bytes prove and the name to store it under.</summary>
public sealed record AcceptedAttachment(string ContentType, string FileName);

/// <summary>Which files customers may send: the type comes from the file's bytes, never from what the sender declared.</summary>
public static class AttachmentRules
{
    public const long MaxBytes = 10 * 1024 * 1024;

    /// <summary>How much of each end of a file is searched for markup.</summary>
    public const int MarkupWindow = 1024;

    public const string UnsupportedType = "Only PNG, JPEG, GIF, WebP images and PDF documents are accepted.";

    private static readonly (string Type, byte[] Magic, int Offset, string[] Extensions)[] Signatures =
    [
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 0, [".png"]),
        ("image/jpeg", [0xFF, 0xD8, 0xFF], 0, [".jpg", ".jpeg"]),
        ("image/gif", "GIF8"u8.ToArray(), 0, [".gif"]),
        ("image/webp", "WEBP"u8.ToArray(), 8, [".webp"]),
        ("application/pdf", "%PDF-"u8.ToArray(), 0, [".pdf"]),
    ];

    /// <summary>
    /// Tags a browser that sniffs content (or one that opens the file as a document) would take for HTML, SVG or XML:
    /// a GIF or PDF that carries them at one of its ends is a polyglot, a picture to us and a page to a browser.
    /// </summary>
    private static readonly string[] MarkupTags =
        ["<html", "<head", "<body", "<script", "<iframe", "<object", "<embed", "<meta", "<title", "<style", "<svg", "<!doctype", "<?xml"];

    private static readonly SearchValues<string> Markup = SearchValues.Create(MarkupTags, StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<string> AllowedTypes { get; } = Signatures.Select(s => s.Type).ToList();

    /// <summary>
    /// Whether a customer's file may be stored: its type comes from its first bytes, it carries no markup in its first or
    /// last <see cref="MarkupWindow"/> bytes, and its name is made safe and given the extension of that type
    /// (<c>poly.html</c> whose bytes are a GIF is stored as <c>poly.gif</c>).
    /// </summary>
    /// <returns>The type and name to store, or null with the reason for the refusal (an unsupported type, 415).</returns>
    public static AcceptedAttachment? Check(ReadOnlySpan<byte> data, string? fileName, out string refusal)
    {
        var type = Detect(data);
        if (type is null)
        {
            refusal = UnsupportedType;
            return null;
        }

        if (FindMarkup(data) is { } tag)
        {
            refusal = $"The file's bytes are a {type} but also contain markup ({tag}…): files that a browser could open as a page are refused.";
            return null;
        }

        refusal = string.Empty;
        return new AcceptedAttachment(type, NameFor(type, fileName));
    }

    /// <summary>The content type the bytes prove, or null when the file is not an allowed type.</summary>
    public static string? Detect(ReadOnlySpan<byte> data)
    {
        foreach (var (type, magic, offset, _) in Signatures)
        {
            if (data.Length >= offset + magic.Length && data.Slice(offset, magic.Length).SequenceEqual(magic)
                && (type != "image/webp" || data[..4].SequenceEqual("RIFF"u8)))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>The first markup tag found in the first or last <see cref="MarkupWindow"/> bytes, or null.</summary>
    internal static string? FindMarkup(ReadOnlySpan<byte> data)
    {
        var head = data[..Math.Min(data.Length, MarkupWindow)];
        var tail = data[Math.Max(head.Length, data.Length - MarkupWindow)..];
        return FindMarkupIn(head) ?? FindMarkupIn(tail);
    }

    /// <summary>A file name safe to store and to send back in a Content-Disposition header.</summary>
    public static string SafeFileName(string? name)
    {
        var fileName = Path.GetFileName(name ?? string.Empty);
        var cleaned = new string(fileName.Where(c => !char.IsControl(c) && c is not ('"' or '\\' or '/')).ToArray()).Trim();
        return cleaned.Length == 0 ? "file" : cleaned[..Math.Min(cleaned.Length, 120)];
    }

    /// <summary>The safe name, ending with an extension of <paramref name="type"/>: the sender's when it fits, else the type's own.</summary>
    private static string NameFor(string type, string? fileName)
    {
        var safe = SafeFileName(fileName);
        var extensions = Signatures.First(s => s.Type == type).Extensions;
        if (extensions.Contains(Path.GetExtension(safe), StringComparer.OrdinalIgnoreCase))
        {
            return safe;
        }

        var baseName = Path.GetFileNameWithoutExtension(safe).TrimEnd('.', ' ');
        var extension = extensions[0];
        baseName = baseName.Length == 0 ? "file" : baseName[..Math.Min(baseName.Length, 120 - extension.Length)];
        return baseName + extension;
    }

    private static string? FindMarkupIn(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        // Latin-1 maps each byte to one char, so the ASCII tags are found wherever they sit among binary bytes.
        Span<char> chars = stackalloc char[bytes.Length];
        Encoding.Latin1.GetChars(bytes, chars);
        var at = chars.IndexOfAny(Markup);
        if (at < 0)
        {
            return null;
        }

        foreach (var tag in MarkupTags)
        {
            if (chars[at..].StartsWith(tag, StringComparison.OrdinalIgnoreCase))
            {
                return tag;
            }
        }

        return null;
    }
}
