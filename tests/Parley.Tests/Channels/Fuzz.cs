using System.Text.Json.Nodes;

namespace Parley.Tests.Channels;

/// <summary>Random mutations of a valid JSON payload: wrong types, missing or renamed properties, odd text, deep nesting, cut bodies.</summary>
public static class Fuzz
{
    private static readonly string[] OddTexts =
    [
        "", " ", "\u0000", "a\u0000b", "\\ud800", "\ud83d", "\u202e", "<script>alert(1)</script>", "' OR 1=1 --", "9223372036854775808",
        "-1", "1e309", "NaN", "null", new string('x', 70_000), "😀😀😀", "\r\n\t",
    ];

    public static string Mutate(string json, Random random)
    {
        if (random.Next(10) == 0)
        {
            // A cut or doubled body: not JSON any more.
            return random.Next(2) == 0 ? json[..random.Next(json.Length)] : json + json;
        }

        var root = JsonNode.Parse(json)!;
        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            var target = nodes[random.Next(nodes.Count)];
            if (target.Parent is JsonObject parent)
            {
                var name = target.GetPropertyName();
                switch (random.Next(4))
                {
                    case 0:
                        parent.Remove(name);
                        break;
                    case 1:
                        parent.Remove(name);
                        parent[name + "_x"] = target;
                        break;
                    default:
                        parent[name] = Value(random);
                        break;
                }
            }
            else if (target.Parent is JsonArray array)
            {
                array[array.IndexOf(target)] = Value(random);
            }
        }

        var text = root.ToJsonString();
        // Escapes that JsonNode would not write: a lone surrogate, written the way a broken client would.
        return text.Replace("\\\\ud800", "\\ud800", StringComparison.Ordinal);
    }

    private static JsonNode? Value(Random random) => random.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.NextInt64(long.MinValue, long.MaxValue)),
        3 => JsonValue.Create(random.NextDouble() * 1e300),
        4 => new JsonArray(JsonValue.Create("x"), null, new JsonObject()),
        5 => new JsonObject { ["id"] = OddTexts[random.Next(OddTexts.Length)] },
        6 => Deep(20 + random.Next(20)),
        _ => JsonValue.Create(OddTexts[random.Next(OddTexts.Length)]),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["a"] = node };
        }

        return node;
    }

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is null)
        {
            return;
        }

        if (node.Parent is not null)
        {
            into.Add(node);
        }

        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o.ToList())
                {
                    Collect(child, into);
                }

                break;
            case JsonArray a:
                foreach (var child in a.ToList())
                {
                    Collect(child, into);
                }

                break;
        }
    }
}
