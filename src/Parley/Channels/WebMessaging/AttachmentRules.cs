namespace Parley.Channels.WebMessaging;

/// <summary>Which files customers may send: the declared type must match the file's first bytes.</summary>
public static class AttachmentRules
{
    public const long MaxBytes = 10 * 1024 * 1024;

    private static readonly (string Type, byte[] Magic, int Offset)[] Signatures =
    [
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 0),
        ("image/jpeg", [0xFF, 0xD8, 0xFF], 0),
        ("image/gif", "GIF8"u8.ToArray(), 0),
        ("image/webp", "WEBP"u8.ToArray(), 8),
        ("application/pdf", "%PDF-"u8.ToArray(), 0),
    ];

    public static IReadOnlyList<string> AllowedTypes { get; } = Signatures.Select(s => s.Type).ToList();

    /// <summary>The content type the bytes prove, or null when the file is not an allowed type.</summary>
    public static string? Detect(ReadOnlySpan<byte> data)
    {
        foreach (var (type, magic, offset) in Signatures)
        {
            if (data.Length >= offset + magic.Length && data.Slice(offset, magic.Length).SequenceEqual(magic)
                && (type != "image/webp" || data[..4].SequenceEqual("RIFF"u8)))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>A file name safe to store and to send back in a Content-Disposition header.</summary>
    public static string SafeFileName(string? name)
    {
        var fileName = Path.GetFileName(name ?? string.Empty);
        var cleaned = new string(fileName.Where(c => !char.IsControl(c) && c is not ('"' or '\\' or '/')).ToArray()).Trim();
        return cleaned.Length == 0 ? "file" : cleaned[..Math.Min(cleaned.Length, 120)];
    }
}
