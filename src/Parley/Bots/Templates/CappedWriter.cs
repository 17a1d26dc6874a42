using System.Text;

namespace Parley.Bots.Templates;

/// <summary>
/// Collects a template's output and stops it as soon as it passes the cap: a loop over a large list must not build
/// megabytes in memory before anyone checks the length.
/// </summary>
internal sealed class CappedWriter(int maxChars) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    public override void Write(char value)
    {
        EnsureRoom(1);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        EnsureRoom(count);
        base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        EnsureRoom(buffer.Length);
        base.Write(buffer);
    }

    public override void Write(string? value)
    {
        EnsureRoom(value?.Length ?? 0);
        base.Write(value);
    }

    public override void Write(StringBuilder? value)
    {
        EnsureRoom(value?.Length ?? 0);
        base.Write(value);
    }

    private void EnsureRoom(int count)
    {
        if (GetStringBuilder().Length + count > maxChars)
        {
            throw new TemplateException($"The text is longer than {maxChars / 1024} KB.");
        }
    }
}
