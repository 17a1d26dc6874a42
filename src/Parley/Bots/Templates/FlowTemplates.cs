using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;

namespace Parley.Bots.Templates;

/// <summary>Whether a template parses and names only known variables.</summary>
public sealed record TemplateCheck(bool Ok, IReadOnlyList<string> Errors);

/// <summary>Liquid templates over a JSON model (a first version; the templates work replaces it).</summary>
public sealed class FlowTemplates
{
    private static readonly FluidParser Parser = new();

    public string Render(string template, JsonObject model)
    {
        if (!Parser.TryParse(template, out var parsed, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var context = new TemplateContext();
        foreach (var (key, value) in model)
        {
            context.SetValue(key, Plain(value));
        }

        return parsed.Render(context);
    }

    public TemplateCheck Check(string template, IReadOnlySet<string> knownVariables) =>
        Parser.TryParse(template, out _, out var error) ? new TemplateCheck(true, []) : new TemplateCheck(false, [error]);

    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => decimal.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => null,
    };
}
