using System.Net;
using System.Text.Json.Nodes;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.X;

/// <summary>Signed bodies that are almost right: whatever X (or someone with the secret) posts, the answer is never a 500.</summary>
public sealed class XWebhookFuzzTests
{
    private static readonly string[] Valid =
    [
        XPayloads.FromCustomer("1001", "Hello"),
        XPayloads.Events(XPayloads.Dm("1002", XPayloads.Customer, XChannel.AccountId, "", """
            {"text": "photo https://t.co/p", "entities": {"urls": [{"url": "https://t.co/p", "expanded_url": "https://example.com"}]},
             "quick_reply_response": {"type": "options", "metadata": "bank"},
             "attachment": {"type": "media", "media": {"id_str": "7", "type": "video", "url": "https://t.co/p", "media_url_https": "https://pbs.twimg.com/a.jpg",
               "video_info": {"variants": [{"bitrate": 1, "content_type": "video/mp4", "url": "https://video.twimg.com/a.mp4"}]}}}}
            """)),
        XPayloads.Events(XPayloads.Dm("1003", XChannel.AccountId, XPayloads.Customer, "From the X app")),
        XPayloads.Read("1001"),
    ];

    private static readonly JsonNode?[] Replacements =
    [
        null, JsonValue.Create(0), JsonValue.Create(-1.5e300), JsonValue.Create(true), JsonValue.Create(""), JsonValue.Create("\u0000\ud800x"),
        JsonValue.Create(new string('9', 80)), JsonValue.Create("12345"), JsonValue.Create(XChannel.AccountId), JsonValue.Create(XPayloads.Customer),
        new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create(1), new JsonObject()),
    ];

    [Fact]
    public async Task Mutated_signed_payloads_never_cause_a_server_error()
    {
        await using var x = await XChannel.StartAsync();
        var random = new Random(20261125);
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 400; i++)
        {
            var body = Mutate(Valid[random.Next(Valid.Length)], random);
            var response = await x.PostAsync(body);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
                $"{(int)response.StatusCode} for {body}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Empty(x.App.LoggedErrors);

        // The mutations reach every answer, so the run is not 400 refusals at the door.
        Assert.All(new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.NotFound }, s => Assert.True(statuses.GetValueOrDefault(s) > 10, $"{s}: {statuses.GetValueOrDefault(s)}"));
    }

    private static string Mutate(string json, Random random)
    {
        if (random.Next(10) == 0)
        {
            return json[..random.Next(json.Length)];
        }

        var root = JsonNode.Parse(json)!;
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            var target = nodes[random.Next(nodes.Count)];
            switch (target.Parent)
            {
                case JsonObject parent when random.Next(3) == 0:
                    parent.Remove(target.GetPropertyName());
                    break;
                case JsonObject parent:
                    parent[target.GetPropertyName()] = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                    break;
                case JsonArray array when random.Next(2) == 0:
                    array.Add(target.DeepClone());
                    break;
                case JsonArray array:
                    array[array.IndexOf(target)] = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                    break;
            }
        }

        return root.ToJsonString();
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        if (node.Parent is not null)
        {
            nodes.Add(node);
        }

        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value).ToList(),
            JsonArray a => a.ToList(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            Collect(child, nodes);
        }
    }
}
