using Parley.Demo;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.WebMessaging;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WebMessaging;

public sealed class WidgetSessionTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_verified_customers_profile_changes_only_with_the_sites_signature_of_it(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var widget = await app.DemoWidgetAsync();
        var hash = IdentityVerification.Sign(widget.IdentitySecret, "bob");
        string Profile(string? name, string? email) => IdentityVerification.SignProfile(widget.IdentitySecret, "bob", name, email);
        using var first = app.Widget();
        using var later = app.Widget();
        using var replay = app.Widget();

        var session = await first.StartAsync(new SessionRequest("demo-website", null, "bob", hash, "Bob", "bob@old.example", Profile("Bob", "bob@old.example")));
        await later.StartAsync(new SessionRequest("demo-website", null, "bob", hash, "Bob", "bob@new.example", Profile("Bob", "bob@new.example")));
        Assert.Equal(("Bob", "bob@new.example"), await NameAndEmailAsync(app, session.ContactId!.Value));

        // Whoever holds the user hash (it is in the page) cannot rewrite the profile: unsigned fields are ignored, and a
        // profile hash of other fields is refused.
        var replayed = await replay.StartAsync(new SessionRequest("demo-website", null, "bob", hash, "<img src=x onerror=alert(1)>", "attacker@evil.example"));
        Assert.Equal(session.ContactId, replayed.ContactId);
        await Expect.ProblemAsync(await replay.Http.PostAsJsonAsync($"{WidgetClient.Base}/sessions",
            new SessionRequest("demo-website", null, "bob", hash, "Mallory", "attacker@evil.example", Profile("Bob", "bob@new.example"))), HttpStatusCode.Unauthorized);
        Assert.Equal(("Bob", "bob@new.example"), await NameAndEmailAsync(app, session.ContactId.Value));
        Assert.True(await app.DbAsync(db => db.ContactIdentities.AnyAsync(i => i.ContactId == session.ContactId && i.ExternalId == "user:bob" && i.Verified)));

        // A first sign-in without a signed profile creates the contact without one.
        using var carol = app.Widget();
        var carolSession = await carol.StartAsync(new SessionRequest("demo-website", null, "carol", IdentityVerification.Sign(widget.IdentitySecret, "carol"), "Mallory", "attacker@evil.example"));
        Assert.Equal(((string?)null, (string?)null), await NameAndEmailAsync(app, carolSession.ContactId!.Value));

        // A guest has no contact until it opens the conversation, and never a profile.
        using var guest = app.Widget();
        var guestSession = await guest.StartAsync(new SessionRequest("demo-website", null, null, null, "Mallory", "bob@new.example"));
        Assert.False(guestSession.Verified);
        Assert.Null(guestSession.ContactId);
        var opened = await guest.OpenAsync();
        var guestContact = await app.ContactOfAsync(opened.ConversationId);
        Assert.NotEqual(session.ContactId, guestContact);
        Assert.Equal(((string?)null, (string?)null), await NameAndEmailAsync(app, guestContact));
    }

    private static Task<(string?, string?)> NameAndEmailAsync(ParleyApplication app, long contactId) =>
        app.DbAsync(async db => await db.Contacts.AsNoTracking().Where(c => c.Id == contactId).Select(c => new { c.Name, c.Email }).FirstAsync() is var c ? (c.Name, c.Email) : default);

    [Fact]
    public async Task The_event_stream_opens_with_a_one_minute_ticket_and_never_takes_the_session_token_from_the_url()
    {
        await using var app = new ParleyApplication();
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();
        using var anonymous = app.CreateClient();

        var issued = await customer.Http.PostAsync($"{WidgetClient.Base}/events/tickets", null);
        await Expect.StatusAsync(issued, HttpStatusCode.OK);
        var ticket = (await issued.Content.ReadFromJsonAsync<StreamTicketResponse>(JsonSerializerOptions.Web))!;
        Assert.InRange(ticket.ExpiresAt - app.Clock.GetUtcNow(), TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(60));

        using (var response = await anonymous.GetAsync($"{WidgetClient.Base}/events?ticket={Uri.EscapeDataString(ticket.Ticket)}", HttpCompletionOption.ResponseHeadersRead))
        {
            await Expect.StatusAsync(response, HttpStatusCode.OK);
            using var stream = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal("event: ready", await stream.ReadLineAsync());
        }

        var token = Uri.EscapeDataString(customer.Session!.Token);
        await Expect.ProblemAsync(await anonymous.GetAsync($"{WidgetClient.Base}/events?access_token={token}"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await anonymous.GetAsync($"{WidgetClient.Base}/events?ticket={token}"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await anonymous.GetAsync($"{WidgetClient.Base}/events?ticket=forged.ticket"), HttpStatusCode.Unauthorized);

        // A ticket opens the stream and nothing else.
        await Expect.ProblemAsync(await anonymous.GetAsync($"{WidgetClient.Base}/messages?ticket={Uri.EscapeDataString(ticket.Ticket)}"), HttpStatusCode.Unauthorized);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, $"{WidgetClient.Base}/messages");
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ticket.Ticket);
        await Expect.ProblemAsync(await anonymous.SendAsync(bearer), HttpStatusCode.Unauthorized);

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await Expect.ProblemAsync(await anonymous.GetAsync($"{WidgetClient.Base}/events?ticket={Uri.EscapeDataString(ticket.Ticket)}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_inbox_describes_its_hours_and_attachment_limits_and_openapi_and_health_answer()
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient();

        var inbox = await client.GetFromJsonAsync<InboxInfo>($"{WidgetClient.Base}/inboxes/demo-website", System.Text.Json.JsonSerializerOptions.Web);

        Assert.Equal(("La Posta website", "Posta bot", true), (inbox!.Name, inbox.BotName, inbox.Open));
        Assert.Equal("We usually reply within 10 minutes.", inbox.ExpectedReplyText);
        Assert.Equal(6, inbox.BusinessHours.Count);
        Assert.Contains(new OpeningHours("Saturday", "08:00", "13:00"), inbox.BusinessHours);
        Assert.Equal(AttachmentRules.MaxBytes, inbox.Attachments.MaxBytes);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var openApi = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/widget/v1/messages", openApi, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Several_nodes_starting_at_once_seed_the_demo_once(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var nodes = Enumerable.Range(0, 3).Select(_ => new ParleyApplication(database)).ToList();
        try
        {
            await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Services)));

            // The website and the four social networks connected to the simulator.
            Assert.Equal(1, await nodes[0].DbAsync(db => db.Inboxes.CountAsync(i => i.Channel == ChannelKind.WebMessaging)));
            Assert.Equal(4, await nodes[0].DbAsync(db => db.Connections.CountAsync()));
            Assert.Equal(5, await nodes[0].DbAsync(db => db.Inboxes.CountAsync()));
            Assert.Equal(DemoWorkspace.Logins.Length, await nodes[0].DbAsync(db => db.Advisors.CountAsync()));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
