using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Parley.Bots.Templates;

namespace Parley.Bots.Api;

/// <summary>An API step's request with its templates filled in and checked, ready to be sent once per attempt.</summary>
internal sealed record ApiRequestPlan(HttpMethod Method, Uri Url, string? Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    // A customer waits in the chat while the step runs: beyond these, a flow would rather say "try again later".
    private const int MaxRetries = 5;
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(30);

    private static readonly HttpMethod[] Methods = [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete];
    private static readonly TextEncoder NullEncoder = Fluid.NullEncoder.Default;

    /// <summary>Fills in the step's templates; the error says which part is wrong, for the flow's log and the preview.</summary>
    public static ApiRequestPlan? Create(FlowTemplates templates, ApiStepSpec spec, JsonObject model, IReadOnlyDictionary<string, string> secrets, out string? error)
    {
        var method = Methods.FirstOrDefault(m => string.Equals(m.Method, spec.Method?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (method is null)
        {
            error = $"Method {spec.Method} is not one of GET, POST, PUT, PATCH, DELETE.";
            return null;
        }

        if (spec.Timeout <= TimeSpan.Zero || spec.Timeout > MaxTimeout || spec.Retries is < 0 or > MaxRetries)
        {
            error = $"The timeout must be over 0 and at most {MaxTimeout.TotalSeconds} s, the retries between 0 and {MaxRetries}.";
            return null;
        }

        // Secrets go only into headers: in the URL or the body they would end up in logs or in the other side's records.
        var noSecrets = new JsonObject();
        var part = "URL";
        try
        {
            var url = ParseUrl(templates.Render(spec.Url, model, UrlEncoder.Default, noSecrets), out error);
            if (url is null)
            {
                return null;
            }

            part = "Body";
            var body = string.IsNullOrWhiteSpace(spec.Body) ? null : templates.RenderJson(spec.Body, model, noSecrets).ToJsonString();
            var secretValues = new JsonObject(secrets.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)));
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var (name, template) in spec.Headers)
            {
                part = $"Header {name}";
                if (name.Length == 0 || name.Any(c => c is <= ' ' or >= (char)127 or ':' or '"' or '(' or ')' or ',' or '/' or ';' or '<' or '>' or '=' or '?' or '@' or '[' or '\\' or ']' or '{' or '}'))
                {
                    error = $"{part} is not a valid header name.";
                    return null;
                }

                var value = templates.Render(template, model, NullEncoder, secretValues);
                if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                {
                    error = $"{part} contains a line break once filled in.";
                    return null;
                }

                headers.Add(KeyValuePair.Create(name, value));
            }

            error = null;
            return new ApiRequestPlan(method, url, body, headers);
        }
        catch (TemplateException e)
        {
            error = $"{part}: {e.Message}";
            return null;
        }
    }

    public HttpRequestMessage ToMessage()
    {
        var request = new HttpRequestMessage(Method, Url);
        if (Body is not null)
        {
            request.Content = new StringContent(Body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                // Content-Type and its kin belong to the content: the step's value replaces the default.
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }
        return request;
    }

    private static Uri? ParseUrl(string text, out string? error)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            error = $"The URL {Shorten(text)} is not an absolute http or https URL.";
            return null;
        }

        // Inserted values are URL-encoded, so "../admin" stays inside its segment; a value that is only dots would still
        // be a segment of its own, which URL parsing removes along with its parent: refuse it rather than call elsewhere.
        if (RawPath(text.Trim()).Split('/').Any(segment => Uri.UnescapeDataString(segment) is "." or ".."))
        {
            error = "The URL's path has a '.' or '..' segment once filled in.";
            return null;
        }

        error = null;
        return url;
    }

    private static string RawPath(string url)
    {
        var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = url.IndexOfAny(['/', '?', '#'], afterScheme);
        if (pathStart < 0 || url[pathStart] != '/')
        {
            return string.Empty;
        }

        var pathEnd = url.IndexOfAny(['?', '#'], pathStart);
        return pathEnd < 0 ? url[pathStart..] : url[pathStart..pathEnd];
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
