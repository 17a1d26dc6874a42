using System.Text;
using System.Text.Json;

namespace Parley.Channels.Webhooks;

/// <summary>
/// Text from a platform's webhook, made storable on every database. The platform already accepted it from the customer,
/// so it is cleaned, not refused (a refusal would only make the platform retry forever): NUL and other control characters
/// but line breaks and tabs are dropped, and a lone surrogate becomes U+FFFD.
/// </summary>
public static class PlatformText
{
    public const int MaxLength = 20_000;

    /// <summary>The control characters that are dropped: every one (all below U+00A0) but line breaks and tabs.</summary>
    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))]);

    public static string? Of(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) ? Read(value) : null;

    public static string? Read(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetRawText();
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string raw;
        try
        {
            raw = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // Escapes that are not well-formed UTF-16 (a lone \ud800): unescaped here, and Clean replaces the lone surrogate.
            raw = Unescape(value.GetRawText());
        }

        return Clean(raw);
    }

    /// <summary>A JSON string token (quotes included, already checked by the parser) without its escapes.</summary>
    private static string Unescape(string token)
    {
        var text = token.AsSpan(1, token.Length - 2);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                builder.Append(text[i]);
                continue;
            }

            var escape = text[++i];
            if (escape == 'u' && i + 4 < text.Length
                && ushort.TryParse(text.Slice(i + 1, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 4;
                continue;
            }

            builder.Append(escape switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'f' => '\f', _ => escape });
        }

        return builder.ToString();
    }

    public static string Clean(string text)
    {
        var span = text.AsSpan();
        if (text.Length <= MaxLength && span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && span.IndexOfAny(Controls) < 0)
        {
            // Nearly every text: nothing to drop, so nothing to copy.
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength));
        for (var i = 0; i < text.Length && builder.Length < MaxLength; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else if (!char.IsControl(c) || c is '\n' or '\r' or '\t')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
