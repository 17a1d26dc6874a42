using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;
using Microsoft.Extensions.FileProviders;

namespace Parley.Bots.Templates;

/// <summary>
/// Renders the Liquid texts of bot flows (messages, API URLs, headers and bodies) with Fluid. Templates are written
/// by channel managers, so rendering is fenced: no file access, a step budget, an output cap; a missing value renders
/// empty. The model's roots are contact, vars, advisor, conversation, response (and secrets, for API headers only).
/// A template that cannot be rendered (syntax, size, steps) throws <see cref="TemplateException"/> with a message for
/// the channel manager; <see cref="Check"/> reports the same problems before a flow is saved.
/// </summary>
public sealed class FlowTemplates
{
    public const int MaxOutputChars = 16 * 1024;
    public const int MaxTemplateChars = 32 * 1024;

    // A step is one statement or loop turn: enough for a message listing a few hundred events, not for a runaway loop.
    public const int MaxSteps = 100_000;

    // Parsing costs microseconds: when the cache is full it simply starts over rather than tracking what is least used.
    private const int CacheCapacity = 1000;

    private static readonly FluidParser Parser = new(new FluidParserOptions { AllowFunctions = false });

    private readonly ConcurrentDictionary<string, ParsedTemplate> _cache = new(StringComparer.Ordinal);
    private readonly TemplateOptions _textOptions;
    private readonly TemplateOptions _jsonOptions;

    public FlowTemplates(TimeProvider clock)
    {
        _textOptions = NewOptions(clock);
        _jsonOptions = NewOptions(clock);

        // Inside a JSON body, `{{ x | json }}` is already JSON: escaping its quotes again would break it.
        _jsonOptions.Filters.TryGetValue("json", out var json);
        _jsonOptions.Filters.AddFilter("json", async (input, arguments, context) =>
            new StringValue((await json!(input, arguments, context)).ToStringValue(), encode: false));
    }

    public string Render(string template, JsonObject model) => Render(template, model, NullEncoder.Default, secrets: null);

    /// <summary>
    /// Renders a JSON body: every value the template inserts is JSON-escaped, so a customer's text can neither break
    /// the body nor add members to it. Throws <see cref="TemplateException"/> when the result is not JSON.
    /// </summary>
    public JsonNode RenderJson(string template, JsonObject model) => RenderJson(template, model, secrets: null);

    public TemplateCheck Check(string template, IReadOnlySet<string> knownVariables)
    {
        var parsed = Parse(template);
        if (parsed.Error is not null)
        {
            return new TemplateCheck(false, [parsed.Error]);
        }

        var errors = parsed.Variables!.Unknown(knownVariables).Select(path => $"Unknown variable {path}")
            .Concat(parsed.Variables.UnknownFilters(_textOptions.Filters).Select(name => $"Unknown filter {name}"))
            .ToList();
        return new TemplateCheck(errors.Count == 0, errors);
    }

    /// <summary>
    /// Renders with an encoder for the values the template inserts (URL encoding for an API step's URL). A non-null
    /// <paramref name="secrets"/> replaces the model's secrets root: the API step passes its secrets for headers, and
    /// nothing for the URL and body, where a secret would end up in logs or in the other party's storage.
    /// </summary>
    internal string Render(string template, JsonObject model, TextEncoder encoder, JsonObject? secrets) =>
        RenderWith(_textOptions, template, model, encoder, secrets);

    internal JsonNode RenderJson(string template, JsonObject model, JsonObject? secrets)
    {
        var text = RenderWith(_jsonOptions, template, model, JavaScriptEncoder.UnsafeRelaxedJsonEscaping, secrets);
        try
        {
            return JsonNode.Parse(text) ?? throw new TemplateException("The JSON body is null.");
        }
        catch (JsonException e)
        {
            throw new TemplateException($"The body is not valid JSON once filled in: {e.Message}", e);
        }
    }

    private string RenderWith(TemplateOptions options, string template, JsonObject model, TextEncoder encoder, JsonObject? secrets)
    {
        var parsed = Parse(template);
        if (parsed.Error is not null)
        {
            throw new TemplateException(parsed.Error);
        }

        var context = new TemplateContext(model, options);
        if (secrets is not null)
        {
            context.SetValue("secrets", secrets);
        }

        using var writer = new CappedWriter(MaxOutputChars);
        try
        {
            // Nothing in a flow's model is asynchronous (JSON nodes, built-in filters): the render completes synchronously.
            var rendering = parsed.Template!.RenderAsync(writer, context, encoder, false);
            if (!rendering.IsCompletedSuccessfully)
            {
                rendering.AsTask().GetAwaiter().GetResult();
            }
        }
        catch (InvalidOperationException e)
        {
            // Fluid reports an exhausted step budget as "maximum level of recursion", which would puzzle a channel manager.
            throw new TemplateException($"The template stopped after {MaxSteps} steps: is a loop running over too much?", e);
        }
        catch (FluidException e)
        {
            throw new TemplateException(e.Message, e);
        }

        return writer.ToString();
    }

    private ParsedTemplate Parse(string template)
    {
        if (_cache.TryGetValue(template, out var cached))
        {
            return cached;
        }

        if (_cache.Count >= CacheCapacity)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(template, ParseUncached);
    }

    private static ParsedTemplate ParseUncached(string template)
    {
        if (template.Length > MaxTemplateChars)
        {
            return ParsedTemplate.Failed($"The template is longer than {MaxTemplateChars / 1024} KB.");
        }

        if (!Parser.TryParse(template, out var parsed, out var error))
        {
            // Fluid appends the source after the message, which already says where: "... at (line:column)".
            return ParsedTemplate.Failed(error.Split('\n')[0].Trim());
        }

        var variables = TemplateVariables.Of(parsed);
        return variables.ReadsFiles
            ? ParsedTemplate.Failed("include and render are not available: a template cannot read other files.")
            : new ParsedTemplate(parsed, variables, null);
    }

    private static TemplateOptions NewOptions(TimeProvider clock) => new()
    {
        FileProvider = new NullFileProvider(),
        MaxSteps = MaxSteps,
        MaxRecursion = 20,
        CultureInfo = CultureInfo.InvariantCulture,
        TimeZone = TimeZoneInfo.Utc,
        Now = clock.GetUtcNow,
    };

    private sealed record ParsedTemplate(IFluidTemplate? Template, TemplateVariables? Variables, string? Error)
    {
        public static ParsedTemplate Failed(string error) => new(null, null, error);
    }
}
