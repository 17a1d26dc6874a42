using System.Globalization;
using System.Text.Json.Nodes;

namespace Parley.Bots.Api;

/// <summary>Reads a value out of a JSON answer by a simple path: <c>$</c>, <c>status</c>, <c>events[0].label</c>, <c>data.items</c>.</summary>
internal static class ApiExtraction
{
    /// <summary>The node at the path, detached from the answer (a flow variable of its own), or null when absent.</summary>
    public static JsonNode? Find(JsonNode? root, string path)
    {
        var rest = path.Trim();
        if (rest == "$")
        {
            return root?.DeepClone();
        }

        if (rest.StartsWith("$.", StringComparison.Ordinal))
        {
            rest = rest[2..];
        }

        var node = root;
        foreach (var part in rest.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            node = Member(node, bracket < 0 ? part : part[..bracket]);
            for (var at = bracket; at >= 0 && node is not null; at = part.IndexOf('[', at + 1))
            {
                var end = part.IndexOf(']', at);
                node = end < 0 ? null : Item(node, part[(at + 1)..end]);
            }
        }

        return node?.DeepClone();
    }

    private static JsonNode? Member(JsonNode? node, string name) =>
        name.Length == 0 ? node : node is JsonObject obj ? obj[name] : null;

    private static JsonNode? Item(JsonNode node, string index) =>
        node is JsonArray array && int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count
            ? array[i]
            : null;
}
