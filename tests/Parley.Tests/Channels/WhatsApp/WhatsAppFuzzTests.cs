using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Channels.WhatsApp.WhatsAppPayloads;

namespace Parley.Tests.Channels.WhatsApp;

/// <summary>
/// Valid webhooks, mutated at random (values replaced, properties deleted or renamed, arrays multiplied, huge strings,
/// deep nesting, escapes that are not UTF-16), posted signed: each is stored or refused with a 4xx, never a 500. The
/// seed is fixed, so a failure reproduces; the message names the round and the body.
/// </summary>
public sealed class WhatsAppFuzzTests
{
    private const int Seed = 20261202;
    private const int Rounds = 400;

    /// <summary>Replaced in the JSON text by escapes that are not well-formed UTF-16 (JsonNode cannot write those).</summary>
    private const string BrokenEscapes = "BROKEN-ESCAPES";

    [Fact]
    public async Task Mutated_webhooks_are_answered_200_or_4xx_and_never_500()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        var random = new Random(Seed);
        var seeds = Seeds();
        var answers = new Dictionary<int, int>();
        for (var round = 0; round < Rounds; round++)
        {
            var document = JsonNode.Parse(seeds[random.Next(seeds.Count)].ToJsonString())!;
            for (var i = 0; i <= random.Next(3); i++)
            {
                Mutate(document, random);
            }

            var body = document.ToJsonString().Replace(BrokenEscapes, @"\ud800 \udfff\ud800 \u0000", StringComparison.Ordinal);
            using var response = await host.PostAsync(body);
            var status = (int)response.StatusCode;
            Assert.True(status is 200 or (>= 400 and < 500),
                $"Round {round} (seed {Seed}) was answered {status}: {await response.Content.ReadAsStringAsync()}\nBody: {(body.Length > 2000 ? body[..2000] + "…" : body)}");
            answers[status] = answers.GetValueOrDefault(status) + 1;
        }

        Assert.True(answers.GetValueOrDefault(200) > Rounds / 5, $"Answers: {string.Join(", ", answers.Select(a => $"{a.Key} × {a.Value}"))}");
        Assert.True(answers.GetValueOrDefault(400) > Rounds / 20, $"Answers: {string.Join(", ", answers.Select(a => $"{a.Key} × {a.Value}"))}");

        // Still whole afterwards: a valid message is stored, and nothing logged an error meanwhile.
        await host.PostOkAsync(CustomerText("393339999999", "wamid.after-fuzz", "Still there?"));
        Assert.True(await host.App.DbAsync(db => db.Messages.AnyAsync(m => m.ChannelMessageId == "wamid.after-fuzz")));
        await Task.Delay(500);
        Assert.Empty(host.App.LoggedErrors);
    }

    private static List<JsonNode> Seeds()
    {
        const string anna = "393331234567";
        var referral = Text(anna, "wamid.seed-ad", "From the ad");
        referral["referral"] = new JsonObject { ["source_type"] = "ad", ["source_id"] = "1202", ["ctwa_clid"] = "Aff" };
        return
        [
            JsonNode.Parse(CustomerText(anna, "wamid.seed-1", "Hello"))!,
            JsonNode.Parse(Webhook(Entry(Change(Messages([(anna, "Anna")], ListReply(anna, "wamid.seed-2", "bank", "Bank"))))))!,
            JsonNode.Parse(Webhook(Entry(Change(Messages([(anna, "Anna")],
                Message(anna, "wamid.seed-3", "image", new JsonObject { ["id"] = "1479537139650973", ["mime_type"] = "image/jpeg", ["caption"] = "Box" }),
                Message(anna, "wamid.seed-4", "location", new JsonObject { ["latitude"] = 45.46, ["longitude"] = 9.19, ["name"] = "Office" }),
                Message(anna, "wamid.seed-5", "contacts", new JsonArray(new JsonObject { ["name"] = new JsonObject { ["formatted_name"] = "Luca" }, ["phones"] = new JsonArray(new JsonObject { ["phone"] = "+39 347" }) })),
                Message(anna, "wamid.seed-6", "button", new JsonObject { ["payload"] = "track", ["text"] = "Track" }),
                Message(anna, "wamid.seed-7", "reaction", new JsonObject { ["message_id"] = "wamid.out-1", ["emoji"] = "👍" }),
                referral)))))!,
            JsonNode.Parse(Statuses(Status("wamid.out-1", "delivered", anna), Status("wamid.out-2", "failed", anna, StatusError(131047, "Re-engagement message", "24 hours"))))!,
            JsonNode.Parse(Webhook(Entry(Change(Messages([(anna, "Anna")], Text(anna, "wamid.seed-8", "One")))), Entry(Change(Messages([("447700900123", "Sam")], Text("447700900123", "wamid.seed-9", "Two"))))))!,
            JsonNode.Parse(Webhook(Entry(Change(new JsonObject { ["errors"] = StatusError(130429, "Rate limit hit", "Too many") }))))!,
        ];
    }

    private static void Mutate(JsonNode document, Random random)
    {
        var nodes = new List<(JsonNode? Parent, string? Key, int Index)>();
        Collect(document, nodes);
        if (nodes.Count == 0)
        {
            return;
        }

        var (parent, key, index) = nodes[random.Next(nodes.Count)];
        switch (random.Next(4))
        {
            case 0:
                Set(parent!, key, index, RandomValue(random));
                break;
            case 1 when parent is JsonObject o:
                o.Remove(key!);
                break;
            case 1 when parent is JsonArray a:
                a.RemoveAt(index);
                break;
            case 2 when parent is JsonObject o:
                var value = o[key!];
                o.Remove(key!);
                o[Names[random.Next(Names.Length)] + (random.Next(3) == 0 ? "_" : string.Empty)] = value;
                break;
            case 3 when parent is JsonArray a:
                var copy = a[index]?.ToJsonString();
                for (var n = random.Next(1, 60); n > 0; n--)
                {
                    a.Add(copy is null ? null : JsonNode.Parse(copy));
                }

                break;
            default:
                Set(parent!, key, index, RandomValue(random));
                break;
        }
    }

    private static readonly string[] Names =
        ["id", "from", "type", "text", "body", "messages", "statuses", "contacts", "value", "field", "metadata", "phone_number_id", "interactive", "errors", "wa_id"];

    private static JsonNode? RandomValue(Random random) => random.Next(14) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        3 => JsonValue.Create(1e308 * (random.Next(2) == 0 ? 1 : -1)),
        4 => JsonValue.Create(string.Empty),
        5 => JsonValue.Create(new string('x', random.Next(1_000, 120_000))),
        6 => new JsonArray(),
        7 => new JsonObject(),
        8 => Nested(random.Next(5, 40)),
        9 => JsonValue.Create(BrokenEscapes),
        10 => JsonValue.Create("wamid." + new string('9', random.Next(1, 400))),
        11 => JsonValue.Create(string.Concat(Enumerable.Range(0, random.Next(1, 50)).Select(_ => (char)random.Next(1, 0xD7FF)))),
        12 => JsonValue.Create(random.NextDouble() * 400 - 200),
        _ => new JsonObject { ["id"] = "x", ["title"] = new JsonArray(1, 2), ["type"] = "list_reply" },
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["a"] = node };
        }

        return node;
    }

    private static void Set(JsonNode parent, string? key, int index, JsonNode? value)
    {
        if (parent is JsonObject o)
        {
            o[key!] = value;
        }
        else if (parent is JsonArray a)
        {
            a[index] = value;
        }
    }

    private static void Collect(JsonNode? node, List<(JsonNode? Parent, string? Key, int Index)> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, child) in o.ToList())
                {
                    into.Add((o, k, -1));
                    Collect(child, into);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    into.Add((a, null, i));
                    Collect(a[i], into);
                }

                break;
        }
    }
}
