namespace Parley.Bots.Templates;

/// <summary>A template that cannot be rendered: a syntax error, output over the cap, too many steps, or a JSON body that is not JSON.</summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message)
        : base(message)
    {
    }

    public TemplateException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public TemplateException()
    {
    }
}
