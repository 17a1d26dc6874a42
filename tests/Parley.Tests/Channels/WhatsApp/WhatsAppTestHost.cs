using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WhatsApp;

/// <summary>
/// Parley with a WhatsApp connection of the demo account, its Graph API calls going to a stand-in that answers as the
/// Cloud API does (a new wamid for each message) unless a test's <see cref="Answer"/> says otherwise.
/// </summary>
public sealed class WhatsAppTestHost : IAsyncDisposable
{
    public const string PhoneNumberId = "106540352242777";
    public const string Path = "/webhooks/whatsapp";

    private int _sent;

    private WhatsAppTestHost(ParleyApplication app, PlatformStandIn graph)
    {
        App = app;
        Graph = graph;
    }

    public ParleyApplication App { get; }

    public PlatformStandIn Graph { get; }

    public ConnectionCredentials Connection { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The Cloud API's answer to a send; null: accepted with a new wamid.</summary>
    public Func<RecordedRequest, StandInResponse?> Answer { get; set; } = _ => null;

    /// <summary>The wamids the stand-in gave, in order.</summary>
    public ConcurrentQueue<string> Wamids { get; } = new();

    public static async Task<WhatsAppTestHost> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, ConnectionSettings? settings = null, string? publicUrl = null)
    {
        var graph = await PlatformStandIn.StartAsync();
        var app = new ParleyApplication(provider) { Settings = { ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl + "v23.0", ["Parley:PublicUrl"] = publicUrl } };
        var host = new WhatsAppTestHost(app, graph);
        graph.Respond = host.Respond;
        host.Client = app.CreateClient();
        host.Connection = await TestConnections.AddAsync(app, ChannelKind.WhatsApp, PhoneNumberId, settings: settings);
        return host;
    }

    private StandInResponse? Respond(RecordedRequest request)
    {
        if (Answer(request) is { } answer)
        {
            return answer;
        }

        if (request.Json.TryGetProperty("status", out _))
        {
            return StandInResponse.Ok(new { success = true });
        }

        var wamid = $"wamid.out-{Interlocked.Increment(ref _sent)}";
        Wamids.Enqueue(wamid);
        var to = request.Json.GetProperty("to").GetString();
        return StandInResponse.Ok(new { messaging_product = "whatsapp", contacts = new[] { new { input = to, wa_id = to } }, messages = new[] { new { id = wamid } } });
    }

    /// <summary>The Cloud API's error body.</summary>
    public static StandInResponse Error(int status, int code, string message, string? details = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = "OAuthException",
                ["code"] = code,
                ["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = details },
                ["fbtrace_id"] = "Az8or2yhqkZfEZ-_4Qn_Bam",
            },
        }.ToJsonString(), headers);

    /// <summary>The calls to the messages endpoint of the connection's phone number.</summary>
    public IReadOnlyList<RecordedRequest> Sends() => Graph.To($"/v23.0/{PhoneNumberId}/messages");

    public Task<HttpResponseMessage> PostAsync(string body) => TestConnections.PostSignedAsync(Client, Path, body);

    public async Task PostOkAsync(string body)
    {
        var response = await PostAsync(body);
        await Expect.StatusAsync(response, System.Net.HttpStatusCode.OK);
    }

    public Task<List<Message>> MessagesAsync() =>
        App.DbAsync(db => db.Messages.AsNoTracking().Where(m => m.InboxId == Connection.InboxId).OrderBy(m => m.Id).ToListAsync());

    public Task<Conversation> ConversationOfAsync(string waId) => App.DbAsync(db => db.ContactIdentities
        .Where(i => i.InboxId == Connection.InboxId && i.ExternalId == waId)
        .Join(db.Conversations, i => i.ContactId, c => c.ContactId, (i, c) => c)
        .Where(c => c.InboxId == Connection.InboxId)
        .OrderByDescending(c => c.Id).AsNoTracking().FirstAsync());

    /// <summary>Adds a business message with a payload (a template, media) to a conversation, as the console's writers do.</summary>
    public async Task<long> AddOutboundAsync(long conversationId, string text, MessagePayload? payload, AuthorKind author = AuthorKind.Advisor, string authorName = "Marie")
    {
        var writer = App.Service<ConversationWriter>();
        var events = new List<ConversationEvent>();
        var message = await App.DbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await EngineStore.LockConversationsAsync(db, [conversationId], CancellationToken.None);
            var conversation = await db.Conversations.FirstAsync(c => c.Id == conversationId);
            var added = writer.AddOutbound(db, conversation, author, authorName, payload?.Media is { Count: > 0 } ? ContentType.Media : ContentType.Text, text, payload, events);
            writer.Touch(conversation);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return added;
        });
        writer.Publish(events);
        return message.Id;
    }

    public Task UntilAsync(Func<ParleyDb, Task<bool>> condition, string what) =>
        Expect.UntilAsync(() => App.DbAsync(condition), what, TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Graph.DisposeAsync();
    }
}
