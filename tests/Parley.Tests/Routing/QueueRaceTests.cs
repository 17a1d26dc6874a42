using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;
using static Parley.Tests.Routing.QueueDeletionTests;

namespace Parley.Tests.Routing;

/// <summary>
/// A queue's deletion checks what names it and deletes it under the queue's row lock, and the writers that would name it
/// re-check it under the same lock: a reference made while the deletion runs ends with one of them refused, never both
/// committed. The hook starts the writer right after the deletion read every reference, before it deletes.
/// </summary>
public sealed class QueueRaceTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_flow_published_while_its_queue_is_deleted_is_refused(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var claims = await QueueAsync(admin, account, "Claims");
        var created = await admin.PostAsJsonAsync("/api/console/flows", new { accountId = account, name = "Claims flow", isDefault = false, yaml = Flow("Claims") });
        await Expect.StatusAsync(created, HttpStatusCode.Created);
        var flowId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("flow").GetProperty("id").GetInt64();

        var (deleted, published) = await DeleteWhileAsync(app, admin, claims, () => admin.PostAsJsonAsync($"/api/console/flows/{flowId}/publish", new { note = "claims" }));

        await Expect.StatusAsync(deleted, HttpStatusCode.NoContent);
        var refusal = await Expect.ProblemAsync(published, HttpStatusCode.Conflict);
        Assert.Equal("The flow hands over to the queue 'Claims', which is no longer one of the account's: change it first.", refusal.GetProperty("detail").GetString());
        Assert.Null(await app.DbAsync(db => db.BotFlows.Where(f => f.Id == flowId).Select(f => f.PublishedVersionId).FirstAsync()));
        Assert.Empty(app.LoggedErrors);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversation_transferred_while_its_queue_is_deleted_is_refused(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var claims = await QueueAsync(admin, account, "Claims");
        var (conversationId, _) = await ConversationAsync(app);
        var supervisor = await SessionAsync(app, "supervisor@parley.local");
        var actions = app.Service<ConversationActions>();

        var (deleted, transferred) = await DeleteWhileAsync(app, admin, claims, () => actions.TransferAsync(supervisor, conversationId, new TransferRequest(null, claims, "claims"), CancellationToken.None));

        await Expect.StatusAsync(deleted, HttpStatusCode.NoContent);
        Assert.Equal(new TransferOutcome(TransferResult.Invalid, "No such queue in this conversation's account."), transferred);
        Assert.NotEqual<long?>(claims, await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.QueueId).FirstAsync()));
        Assert.Empty(app.LoggedErrors);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_public_bot_saved_while_its_queue_is_deleted_is_refused(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var claims = await QueueAsync(admin, account, "Claims");
        var messenger = await app.DbAsync(db => db.Connections.Where(c => c.Kind == Parley.Channels.ChannelKind.Messenger).Select(c => c.Id).FirstAsync());

        var (deleted, saved) = await DeleteWhileAsync(app, admin, claims, () => admin.PutAsJsonAsync($"/api/console/connections/{messenger}/public-bot", new { mode = "Off", queueId = claims }));

        await Expect.StatusAsync(deleted, HttpStatusCode.NoContent);
        Assert.True(saved.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"the save answered {saved.StatusCode}");
        var settings = await app.DbAsync(db => db.Connections.Where(c => c.Id == messenger).Select(c => c.SettingsJson).FirstAsync());
        Assert.NotEqual(claims, Parley.Channels.ConnectionSettings.Parse(settings).PublicBot.QueueId);
        Assert.Empty(app.LoggedErrors);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_given_a_queue_while_it_is_deleted_is_refused_with_a_reason(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var claims = await QueueAsync(admin, account, "Claims");
        var marie = await SessionAsync(app, "marie@parley.local");
        var edit = new Parley.Identity.AdvisorEdit(marie.DisplayName, marie.Role, [account], [claims], false);

        var (deleted, edited) = await DeleteWhileAsync(app, admin, claims, () => admin.PutAsJsonAsync($"/api/console/advisors/{marie.Id}", edit, Json));

        await Expect.StatusAsync(deleted, HttpStatusCode.NoContent);
        var refusal = await Expect.ProblemAsync(edited, HttpStatusCode.BadRequest);
        Assert.Contains("deleted meanwhile", refusal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(await app.DbAsync(db => db.AdvisorQueues.AnyAsync(m => m.QueueId == claims)));
        // EF logs the refused insert itself; nothing of Parley's failed.
        Assert.DoesNotContain(app.LoggedErrors, e => !e.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>Deletes the queue and starts the writer once the deletion checked every reference, before it deletes.</summary>
    private static async Task<(HttpResponseMessage Deleted, T Written)> DeleteWhileAsync<T>(ParleyApplication app, HttpClient admin, long queue, Func<Task<T>> write)
    {
        Task<T>? written = null;
        app.Hook.Once(ChecksPastConversations, async () =>
        {
            // On another thread: SQLite waits for its write lock synchronously, inside BEGIN.
            written = Task.Run(write);
            await WhileTheWriterWaitsAsync(app, written);
        });
        var deleted = await admin.DeleteAsync($"/api/console/queues/{queue}");
        Assert.True(app.Hook.Fired);
        return (deleted, await written!);
    }

    /// <summary>The deletion's last check (was any conversation ever in the queue?): after it read every other reference, before it deletes.</summary>
    private static bool ChecksPastConversations(string sql) =>
        sql.Contains("EXISTS", StringComparison.Ordinal) && sql.Contains("FROM conversations AS c", StringComparison.Ordinal)
        && sql.Contains("c.queue_id = @", StringComparison.Ordinal);

    /// <summary>
    /// Lets the writer run as far as it can while the deletion holds its transaction: on PostgreSQL until it waits for a
    /// lock (or ends, which only a writer that does not wait does), on SQLite for a while (its busy handler leaves no trace).
    /// </summary>
    private static async Task WhileTheWriterWaitsAsync(ParleyApplication app, Task writer)
    {
        if (app.Provider == DatabaseProvider.Postgres)
        {
            await Expect.UntilAsync(async () => writer.IsCompleted || await RoutingSetup.SomeoneWaitsForALockAsync(app), "the writer to wait for the queue's lock");
        }
        else
        {
            await Task.WhenAny(writer, Task.Delay(TimeSpan.FromMilliseconds(500)));
        }
    }
}
