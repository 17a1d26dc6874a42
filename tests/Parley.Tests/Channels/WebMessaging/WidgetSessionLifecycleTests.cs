using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels.WebMessaging;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WebMessaging;

/// <summary>Widget sessions expire, refresh, survive a key rotation, and end when revoked.</summary>
public sealed class WidgetSessionLifecycleTests
{
    [Fact]
    public async Task A_session_token_expires_and_its_refresh_token_gets_a_new_pair_until_the_refresh_token_expires()
    {
        await using var app = new ParleyApplication();
        using var customer = await app.GuestAsync();
        var conversation = await customer.OpenAsync();
        var history = (await customer.MessagesAsync()).Messages.Count;
        var first = customer.Session!;
        Assert.Equal(app.Clock.GetUtcNow() + TimeSpan.FromHours(1), first.ExpiresAt);
        Assert.Equal(app.Clock.GetUtcNow() + TimeSpan.FromDays(30), first.RefreshExpiresAt);

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        await Expect.ProblemAsync(await customer.Http.GetAsync($"{WidgetClient.Base}/messages"), HttpStatusCode.Unauthorized);

        var renewed = await customer.ResumeAsync(first.RefreshToken);
        Assert.NotEqual(first.Token, renewed.Token);
        Assert.Equal(conversation.ConversationId, (await customer.OpenAsync()).ConversationId);
        Assert.Equal(history, (await customer.MessagesAsync()).Messages.Count);

        // A refresh token refreshes nothing once expired, and is no session token.
        using var stale = app.CreateClient();
        stale.DefaultRequestHeaders.Authorization = new("Bearer", renewed.RefreshToken);
        await Expect.ProblemAsync(await stale.GetAsync($"{WidgetClient.Base}/messages"), HttpStatusCode.Unauthorized);
        app.Clock.Advance(TimeSpan.FromDays(30));
        await Expect.ProblemAsync(await Refresh(app, renewed.RefreshToken), HttpStatusCode.Unauthorized);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Revoking_a_contacts_sessions_ends_its_tokens_and_refresh_tokens_but_not_other_customers(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        using var other = await app.GuestAsync();
        var conversation = await customer.OpenAsync();
        await other.OpenAsync();
        var history = (await other.MessagesAsync()).Messages.Count;
        var contactId = await app.ContactOfAsync(conversation.ConversationId);
        app.Clock.Advance(TimeSpan.FromSeconds(5));

        using var supervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        var revoked = await supervisor.PostAsync($"/api/console/contacts/{contactId}/revoke-sessions", null);
        await Expect.StatusAsync(revoked, HttpStatusCode.OK);

        await Expect.ProblemAsync(await customer.Http.GetAsync($"{WidgetClient.Base}/messages"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await customer.PostMessageAsync("still there?"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await Refresh(app, customer.Session!.RefreshToken), HttpStatusCode.Unauthorized);
        Assert.Equal(history, (await other.MessagesAsync()).Messages.Count);
        Assert.Equal(0, await app.DbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversation.ConversationId && m.Text == "still there?")));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_revocation_on_one_node_holds_on_the_others_within_seconds(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var node1 = new ParleyApplication(database);
        await using var node2 = new ParleyApplication(database, node1.Clock);
        using var customer = await node1.GuestAsync();
        var conversation = await customer.OpenAsync();
        await customer.MessagesAsync(); // node 1 has the contact and the revocations in memory now
        var contactId = await node1.ContactOfAsync(conversation.ConversationId);
        node1.Clock.Advance(TimeSpan.FromSeconds(5));

        using var supervisor = await ConsoleLogin.SignedInAsync(node2, "supervisor@parley.local");
        await Expect.StatusAsync(await supervisor.PostAsync($"/api/console/contacts/{contactId}/revoke-sessions", null), HttpStatusCode.OK);

        await Expect.UntilAsync(
            async () => (await customer.Http.GetAsync($"{WidgetClient.Base}/messages")).StatusCode == HttpStatusCode.Unauthorized,
            "node 1 to refuse the revoked session", WidgetSessions.RevocationDelay * 3);
    }

    [Fact]
    public async Task Only_supervisors_and_admins_of_the_contacts_account_revoke_its_sessions()
    {
        await using var app = new ParleyApplication();
        using var customer = await app.GuestAsync();
        var conversation = await customer.OpenAsync();
        var history = (await customer.MessagesAsync()).Messages.Count;
        var contactId = await app.ContactOfAsync(conversation.ConversationId);
        app.Clock.Advance(TimeSpan.FromSeconds(5));

        using var advisor = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        await Expect.ProblemAsync(await advisor.PostAsync($"/api/console/contacts/{contactId}/revoke-sessions", null), HttpStatusCode.Forbidden);
        using var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await Expect.ProblemAsync(await anonymous.PostAsync($"/api/console/contacts/{contactId}/revoke-sessions", null), HttpStatusCode.Unauthorized);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        await Expect.ProblemAsync(await admin.PostAsync($"/api/console/contacts/{contactId + 1000}/revoke-sessions", null), HttpStatusCode.NotFound);

        Assert.Equal(history, (await customer.MessagesAsync()).Messages.Count);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_key_rotation_keeps_sessions_and_moves_them_to_the_new_key_and_retiring_the_old_key_ends_the_rest(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var node1 = new ParleyApplication(database);
        await using var node2 = new ParleyApplication(database, node1.Clock);
        using var moving = await node1.GuestAsync();
        using var staying = await node1.GuestAsync();
        await moving.OpenAsync();
        await staying.OpenAsync();
        var history = (await staying.MessagesAsync()).Messages.Count;
        Assert.Equal(1, WidgetTokens.KeyIdOf(moving.Session!.Token));

        using var admin = await ConsoleLogin.SignedInAsync(node2, "admin@parley.local");
        var rotated = await admin.PostAsync("/api/console/widget-keys", null);
        await Expect.StatusAsync(rotated, HttpStatusCode.OK);
        Assert.Equal([new(1, false), new(2, true)], await rotated.Content.ReadFromJsonAsync<List<Parley.Contacts.ContactsApi.WidgetKey>>(JsonSerializerOptions.Web));

        // Old sessions still work on both nodes; a refresh moves one to the new key, which the other node learns of at once.
        Assert.Equal(history, (await staying.MessagesAsync()).Messages.Count);
        using var onNode2 = node2.Widget();
        onNode2.Http.DefaultRequestHeaders.Authorization = new("Bearer", staying.Session!.Token);
        Assert.Equal(history, (await onNode2.MessagesAsync()).Messages.Count);
        var renewed = await node2.Widget().ResumeAsync(moving.Session.RefreshToken);
        Assert.Equal(2, WidgetTokens.KeyIdOf(renewed.Token));
        moving.Http.DefaultRequestHeaders.Authorization = new("Bearer", renewed.Token);
        Assert.Equal(history, (await moving.MessagesAsync()).Messages.Count);

        await Expect.ProblemAsync(await admin.DeleteAsync("/api/console/widget-keys/2"), HttpStatusCode.Conflict);
        await Expect.StatusAsync(await admin.DeleteAsync("/api/console/widget-keys/1"), HttpStatusCode.NoContent);
        await Expect.ProblemAsync(await onNode2.Http.GetAsync($"{WidgetClient.Base}/messages"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await Refresh(node2, staying.Session.RefreshToken), HttpStatusCode.Unauthorized);
        Assert.Equal(history, (await moving.MessagesAsync()).Messages.Count);
        using var marie = await ConsoleLogin.SignedInAsync(node2, "marie@parley.local");
        await Expect.ProblemAsync(await marie.PostAsync("/api/console/widget-keys", null), HttpStatusCode.Forbidden);
    }

    private static async Task<HttpResponseMessage> Refresh(ParleyApplication app, string refreshToken)
    {
        using var client = app.CreateClient();
        return await client.PostAsJsonAsync($"{WidgetClient.Base}/sessions/refresh", new RefreshRequest(refreshToken));
    }
}
