namespace Parley.Hosting;

/// <summary>
/// What text a caller may send, the same on every database: PostgreSQL refuses NUL in text and strings that are not
/// well-formed Unicode (a lone surrogate), where SQLite would store them; control characters have no business in ids,
/// keys or names either. Callers answer a 400 with the reason rather than storing or failing.
/// </summary>
public static class InputText
{
    /// <summary>Why <paramref name="value"/> cannot be stored as <paramref name="field"/>, or null when it can.</summary>
    /// <param name="multiline">Message text: line breaks and tabs are allowed, other control characters are not.</param>
    public static string? Problem(string? value, string field, bool multiline = false)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return $"{field} is not well-formed Unicode (a lone surrogate at position {i}).";
            }

            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return $"{field} contains a control character (U+{(int)c:X4}) at position {i}.";
            }
        }

        return null;
    }

    /// <summary>The first problem of several fields (name, value, multiline), or null.</summary>
    public static string? FirstProblem(params ReadOnlySpan<(string Field, string? Value, bool Multiline)> fields)
    {
        foreach (var (field, value, multiline) in fields)
        {
            if (Problem(value, field, multiline) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}
