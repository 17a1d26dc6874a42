using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Messenger;

/// <summary>
/// Parley with a Messenger (or Instagram) connection whose Graph API is a local stand-in: it answers the Send API as Meta
/// documents it (a recipient id and a message id) and a profile for any PSID.
/// </summary>
public sealed class MetaWorld : IAsyncDisposable
{
    private int _sent;

    private MetaWorld(PlatformStandIn graph, ParleyApplication app, ConnectionCredentials connection)
    {
        Graph = graph;
        App = app;
        Connection = connection;
    }

    public PlatformStandIn Graph { get; }

    public ParleyApplication App { get; }

    public ConnectionCredentials Connection { get; }

    public string PageId => Connection.ExternalId;

    public string Path => Connection.Kind == ChannelKind.Instagram ? "/webhooks/instagram" : "/webhooks/messenger";

    /// <summary>The Send API calls Parley made, oldest first.</summary>
    public IReadOnlyList<JsonElement> Sent => Graph.To("/messages").Select(r => r.Json).ToList();

    public static async Task<MetaWorld> StartAsync(ChannelKind kind = ChannelKind.Messenger, DatabaseProvider provider = DatabaseProvider.Sqlite, TestClock? clock = null, bool settleWebhooks = true,
        string? publicUrl = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var graph = await PlatformStandIn.StartAsync("/v23.0");
        var app = new ParleyApplication(provider, clock)
        {
            Settings = { ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl.ToString(), ["Parley:PublicUrl"] = publicUrl },
            SettleWebhooks = settleWebhooks,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            app.Settings[key] = value;
        }

        var connection = await TestConnections.AddAsync(app, kind, kind == ChannelKind.Instagram ? "17841400000000009" : "100200300400599", ratePerSecond: 1000);
        var world = new MetaWorld(graph, app, connection);
        graph.Respond = world.Answer;
        return world;
    }

    /// <summary>Meta's answers; a test replaces it to throttle or refuse.</summary>
    public StandInResponse? Answer(RecordedRequest request)
    {
        if (request.Method == "POST" && request.Path.EndsWith("/messages", StringComparison.Ordinal))
        {
            var recipient = request.Json.GetProperty("recipient").GetProperty("id").GetString();
            return StandInResponse.Ok(new { recipient_id = recipient, message_id = $"m_sent_{Interlocked.Increment(ref _sent)}" });
        }

        return request.Method == "GET"
            ? StandInResponse.Ok(new { first_name = "Ann", last_name = "Lee", name = "Ann Lee", profile_pic = "https://cdn.example/ann.jpg", id = request.Path.Split('/')[^1] })
            : null;
    }

    public static StandInResponse GraphError(int status, int code, string message, int? subcode = null) =>
        new(status, JsonSerializer.Serialize(new { error = new { message, type = "OAuthException", code, error_subcode = subcode, fbtrace_id = "AbCdEf" } }));

    /// <summary>A webhook body with one entry per event, as Meta batches them.</summary>
    public string Body(params JsonObject[] events) => new JsonObject
    {
        ["object"] = Connection.Kind == ChannelKind.Instagram ? "instagram" : "page",
        ["entry"] = new JsonArray(events.Select(e => (JsonNode)new JsonObject
        {
            ["id"] = PageId,
            ["time"] = 1764669600000,
            ["messaging"] = new JsonArray(e.DeepClone()),
        }).ToArray()),
    }.ToJsonString();

    /// <summary>A webhook body with one entry of <c>changes</c> (feed, comments, mentions), as Meta sends public events.</summary>
    public string Changes(params (string Field, JsonObject Value)[] changes) => new JsonObject
    {
        ["object"] = Connection.Kind == ChannelKind.Instagram ? "instagram" : "page",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = PageId,
            ["time"] = 1764669600,
            ["changes"] = new JsonArray(changes.Select(c => (JsonNode)new JsonObject { ["field"] = c.Field, ["value"] = c.Value.DeepClone() }).ToArray()),
        }),
    }.ToJsonString();

    public long Now => App.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public JsonObject Text(string psid, string mid, string text) => Event(psid, new JsonObject { ["message"] = new JsonObject { ["mid"] = mid, ["text"] = text } });

    public JsonObject QuickReply(string psid, string mid, string title, string payload) => Event(psid, new JsonObject
    {
        ["message"] = new JsonObject { ["mid"] = mid, ["text"] = title, ["quick_reply"] = new JsonObject { ["payload"] = payload } },
    });

    public JsonObject Event(string psid, JsonObject body, bool fromPage = false)
    {
        body["sender"] = new JsonObject { ["id"] = fromPage ? PageId : psid };
        body["recipient"] = new JsonObject { ["id"] = fromPage ? psid : PageId };
        body["timestamp"] = Now;
        return body;
    }

    public Task<HttpResponseMessage> PostAsync(string body, string? secret = null) =>
        TestConnections.PostSignedAsync(App.CreateClient(), Path, body, secret ?? TestConnections.AppSecret);

    public Task<Conversation> ConversationOfAsync(string psid) => App.DbAsync(db => db.ContactIdentities
        .Where(i => i.InboxId == Connection.InboxId && i.ExternalId == psid)
        .Join(db.Conversations, i => i.ContactId, c => c.ContactId, (i, c) => c)
        .OrderByDescending(c => c.Id).FirstAsync());

    public Task<List<Message>> MessagesAsync(long conversationId) =>
        App.DbAsync(db => db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Seq).ToListAsync());

    public Task UntilSentAsync(int count, string what) =>
        Expect.UntilAsync(() => Task.FromResult(Graph.To("/messages").Count >= count), what);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Graph.DisposeAsync();
    }
}
