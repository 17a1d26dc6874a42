using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.X;

/// <summary>
/// Parley with an X account connected (user id <see cref="AccountId"/>), the X API's place taken by a stand-in that accepts
/// every DM with a new DM event id and every media upload with a new media id (<see cref="Answer"/>) unless the test says
/// otherwise, and Account Activity payloads as X posts them.
/// </summary>
public sealed class XChannel : IAsyncDisposable
{
    public const string AccountId = "4337869213";
    public const string Path = "/webhooks/x";

    public const string UploadPath = "/2/media/upload";

    private int _sent;
    private int _uploaded;

    private XChannel(ParleyApplication app, PlatformStandIn api, ConnectionCredentials connection)
    {
        App = app;
        Api = api;
        Connection = connection;
    }

    public ParleyApplication App { get; }

    public PlatformStandIn Api { get; }

    public ConnectionCredentials Connection { get; }

    public HttpClient Client => _client ??= App.CreateClient();

    private HttpClient? _client;

    /// <summary>The DMs Parley sent through the X API, in order.</summary>
    public IReadOnlyList<RecordedRequest> Sent => Api.To("/messages");

    /// <summary>The media upload calls (one-shot, initialize, append, finalize, status), in order.</summary>
    public IReadOnlyList<RecordedRequest> Uploads => Api.Requests.Where(r => r.Path.StartsWith(UploadPath, StringComparison.Ordinal)).ToList();

    public static async Task<XChannel> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var api = await PlatformStandIn.StartAsync();
        var app = new ParleyApplication(provider) { Settings = { ["Channels:X:ApiUrl"] = api.BaseUrl.ToString() } };
        var connection = await TestConnections.AddAsync(app, ChannelKind.X, AccountId, ratePerSecond: 100);
        var channel = new XChannel(app, api, connection);
        api.Respond = channel.Answer;
        return channel;
    }

    /// <summary>What X answers by default: a DM accepted, an upload given a media id, a GIF processed after one status check.</summary>
    public StandInResponse? Answer(RecordedRequest r) => r.Path switch
    {
        _ when r.Path.EndsWith("/messages", StringComparison.Ordinal) => Accepted(),
        UploadPath when r.Method == "GET" => Media(r.Query[(r.Query.IndexOf("media_id=", StringComparison.Ordinal) + "media_id=".Length)..], "succeeded"),
        UploadPath or UploadPath + "/initialize" => Media($"18800281060205{Interlocked.Increment(ref _uploaded):D5}", null),
        _ when r.Path.EndsWith("/finalize", StringComparison.Ordinal) => Media(r.Path.Split('/')[^2], "pending"),
        _ when r.Path.EndsWith("/append", StringComparison.Ordinal) => new StandInResponse(200, "{}"),
        _ => null,
    };

    /// <summary>X's answer naming a media: <c>{"data": {"id", "media_key", "expires_after_secs", "processing_info"?}}</c>.</summary>
    public static StandInResponse Media(string id, string? state) => StandInResponse.Ok(new
    {
        data = state is null
            ? (object)new { id, media_key = "3_" + id, expires_after_secs = 86400 }
            : new { id, media_key = "3_" + id, expires_after_secs = 86400, processing_info = new { state, check_after_secs = 1 } },
    });

    /// <summary>A multipart upload's fields: each one's text, or its file's name, type and bytes.</summary>
    public static async Task<Dictionary<string, (string? FileName, string? Type, byte[] Data)>> FormAsync(RecordedRequest upload)
    {
        var boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(
            Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(upload.Headers["Content-Type"]).Boundary).Value!;
        var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(boundary, new MemoryStream(upload.Bytes));
        var fields = new Dictionary<string, (string?, string?, byte[])>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var data = new MemoryStream();
            await section.Body.CopyToAsync(data);
            fields[disposition.Name.Value!.Trim('"')] = (disposition.FileName.Value?.Trim('"'), section.ContentType, data.ToArray());
        }

        return fields;
    }

    /// <summary>X's answer to an accepted DM: 201 with the conversation and the new DM event id ("sent-1", "sent-2"...).</summary>
    public StandInResponse Accepted()
    {
        var n = Interlocked.Increment(ref _sent);
        return new StandInResponse(201, JsonSerializer.Serialize(new { data = new { dm_conversation_id = $"{AccountId}-1", dm_event_id = $"9{n:D8}" } }));
    }

    public Task<HttpResponseMessage> PostAsync(string body) => TestConnections.PostSignedAsync(Client, Path, body, x: true);

    public async Task PostOkAsync(string body)
    {
        var response = await PostAsync(body);
        await Expect.StatusAsync(response, System.Net.HttpStatusCode.OK);
    }

    /// <summary>The DM texts sent to a user, in order.</summary>
    public IReadOnlyList<string> TextsTo(string userId) =>
        Sent.Where(r => r.Path.EndsWith($"/2/dm_conversations/with/{userId}/messages", StringComparison.Ordinal))
            .Select(r => r.Json.GetProperty("text").GetString()!).ToList();

    public Task<List<Message>> MessagesAsync() =>
        App.DbAsync(db => db.Messages.AsNoTracking().Where(m => m.InboxId == Connection.InboxId).OrderBy(m => m.Id).ToListAsync());

    public Task<Conversation> ConversationOfAsync(string userId) => App.DbAsync(db =>
        db.ContactIdentities.Where(i => i.InboxId == Connection.InboxId && i.ExternalId == userId)
            .Join(db.Conversations, i => i.ContactId, c => c.ContactId, (i, c) => c)
            .Where(c => c.InboxId == Connection.InboxId)
            .OrderByDescending(c => c.Id).AsNoTracking().FirstAsync());

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await App.DisposeAsync();
        await Api.DisposeAsync();
    }
}

/// <summary>Account Activity API payloads in X's documented format.</summary>
public static class XPayloads
{
    public const string Customer = "3001969357";

    public static string Users(params (string Id, string Name, string ScreenName)[] users) =>
        JsonSerializer.Serialize(users.ToDictionary(u => u.Id, u => new Dictionary<string, object>
        {
            ["id"] = u.Id,
            ["created_timestamp"] = "1422556069340",
            ["name"] = u.Name,
            ["screen_name"] = u.ScreenName,
            ["protected"] = false,
            ["verified"] = false,
            ["followers_count"] = 22,
            ["profile_image_url"] = $"http://pbs.twimg.com/profile_images/{u.Id}/normal.jpg",
            ["profile_image_url_https"] = $"https://pbs.twimg.com/profile_images/{u.Id}/normal.jpg",
        }));

    /// <summary>A message_create event; <paramref name="messageData"/> replaces the plain message_data when given.</summary>
    public static string Dm(string id, string sender, string recipient, string text, string? messageData = null) =>
        $$$"""
        {"type": "message_create", "id": "{{{id}}}", "created_timestamp": "1764061200000",
         "message_create": {"target": {"recipient_id": "{{{recipient}}}"}, "sender_id": "{{{sender}}}", "source_app_id": "268278",
          "message_data": {{{messageData ?? MessageData(text)}}} }}
        """;

    public static string MessageData(string text) =>
        $$$"""{"text": {{{JsonSerializer.Serialize(text)}}}, "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}}""";

    /// <summary>A POST for the account with direct_message_events (from the customer unless the events say otherwise).</summary>
    public static string Events(params string[] dms) =>
        $$$"""{"for_user_id": "{{{XChannel.AccountId}}}", "direct_message_events": [{{{string.Join(",", dms)}}}], "users": {{{Users((Customer, "Jordan Brinks", "furiouscamper"), (XChannel.AccountId, "La Posta", "laposta"))}}} }""";

    public static string FromCustomer(string id, string text) => Events(Dm(id, Customer, XChannel.AccountId, text));

    public static string Read(string lastReadEventId, string reader = Customer) =>
        $$$"""
        {"for_user_id": "{{{XChannel.AccountId}}}", "direct_message_mark_read_events": [{"created_timestamp": "1764061300000",
          "sender_id": "{{{reader}}}", "target": {"recipient_id": "{{{XChannel.AccountId}}}"}, "last_read_event_id": "{{{lastReadEventId}}}"}],
         "users": {{{Users((Customer, "Jordan Brinks", "furiouscamper"))}}} }
        """;
}
