namespace Parley.Bots.Templates;

/// <summary>What a channel manager is told about a template before saving it: Liquid syntax errors and variables no step provides.</summary>
public sealed record TemplateCheck(bool Ok, IReadOnlyList<string> Errors);
