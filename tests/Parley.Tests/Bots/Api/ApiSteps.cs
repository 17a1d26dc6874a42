using System.Text.Json.Nodes;
using Parley.Bots.Api;

namespace Parley.Tests.Bots.Api;

internal static class ApiSteps
{
    public static readonly JsonObject Model = new()
    {
        ["contact"] = new JsonObject { ["first_name"] = "Alice" },
        ["vars"] = new JsonObject { ["number"] = "RR123456789IT" },
    };

    public static ApiStepSpec Get(string url, int retries = 0, double timeoutSeconds = 2, IReadOnlyDictionary<string, string>? extract = null) =>
        new("GET", url, null, new Dictionary<string, string>(), extract ?? new Dictionary<string, string>(), TimeSpan.FromSeconds(timeoutSeconds), retries);

    public static JsonObject ModelWith(string number) => new()
    {
        ["vars"] = new JsonObject { ["number"] = number },
    };

    public static readonly Dictionary<string, string> NoSecrets = [];
}
