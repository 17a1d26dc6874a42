using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Channels.WebMessaging;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary>The foundation scenario through the widget's HTTP API and the advisor's actions, on both databases.</summary>
public sealed class HybridConversationTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Bot_greets_hands_over_advisor_replies_signed_then_a_new_message_reopens(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        var actions = app.Service<ConversationActions>();

        // The bot greets with a list picker of the topics.
        var opened = await customer.OpenAsync();
        Assert.Equal("withBot", opened.Status);
        Assert.Equal(1, opened.LastSeq);
        var greeting = Assert.Single((await customer.MessagesAsync()).Messages);
        Assert.Equal(AuthorKind.Bot, greeting.AuthorKind);
        Assert.Equal(ContentType.ListPicker, greeting.ContentType);
        Assert.Equal("Posta bot (automated)", greeting.AuthorName);
        Assert.Equal(["parcels", "bank", "mobile"], greeting.Options!.Select(o => o.Id));
        Assert.Equal(opened.ConversationId, (await customer.OpenAsync()).ConversationId); // opening again is the same conversation

        // Picking a topic with nobody online queues the conversation, with the position.
        var pick = await customer.SendAsync("Parcels", replyTo: "parcels");
        Assert.Equal(2, pick.Seq);
        Assert.False(pick.Duplicate);
        var queued = await customer.WaitForAsync(m => m.Messages.Count >= 3, "the handoff notice");
        Assert.Equal("queued", queued.Status);
        Assert.Equal("parcels", queued.Messages[1].ReplyTo);
        var notice = queued.Messages[2];
        Assert.Equal(AuthorKind.Bot, notice.AuthorKind);
        Assert.Contains("about Parcels", notice.Text, StringComparison.Ordinal);
        Assert.Contains("You are number 1 in the queue", notice.Text, StringComparison.Ordinal);
        Assert.Contains("about 10 minutes", notice.Text, StringComparison.Ordinal);

        // Marie (Parcels queue) goes online: the router assigns her and the customer is told who joined.
        var marie = await app.AdvisorAsync("marie@parley.local");
        await actions.SetPresenceAsync(marie, Presence.Online, CancellationToken.None);
        var assigned = await customer.WaitForAsync(m => m.Status == "assigned" && m.Messages.Count >= 4, "the assignment");
        Assert.Equal(AuthorKind.System, assigned.Messages[3].AuthorKind);
        Assert.Equal("Marie joined the conversation.", assigned.Messages[3].Text);
        var conversation = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == opened.ConversationId));
        Assert.Equal(marie.Id, conversation.AssigneeId);

        // Her reply carries her name as the signature.
        Assert.True((await actions.ReplyAsync(marie, opened.ConversationId, "  Hello, I'm looking at your parcel.  ", CancellationToken.None)).Ok);
        var replied = await customer.MessagesAsync(after: 4);
        Assert.Equal("waitingForCustomer", replied.Status);
        var reply = Assert.Single(replied.Messages);
        Assert.Equal((AuthorKind.Advisor, "Marie", "Hello, I'm looking at your parcel.", 5L), (reply.AuthorKind, reply.AuthorName, reply.Text, reply.Seq));

        // Resolved, then the customer writes again: reopened in its last queue (Parcels), where routing gives it to the
        // least loaded advisor online, nothing lost. Marie has taken another customer meanwhile and Luca (Parcels, Bank)
        // is free, so it goes to Luca; Sofia, free too, is not in Parcels: she would get it only in another queue.
        Assert.True((await actions.ResolveAsync(marie, opened.ConversationId, CancellationToken.None)).Ok);
        Assert.Equal("resolved", (await customer.MessagesAsync()).Status);
        using var other = await app.GuestAsync();
        Assert.True((await actions.TakeOverAsync(marie, (await other.OpenAsync()).ConversationId, CancellationToken.None)).Ok);
        var luca = await app.AdvisorAsync("luca@parley.local");
        await actions.SetPresenceAsync(luca, Presence.Online, CancellationToken.None);
        await actions.SetPresenceAsync(await app.AdvisorAsync("sofia@parley.local"), Presence.Online, CancellationToken.None);
        await customer.SendAsync("One more thing: it was redirected?");
        var reopened = await customer.WaitForAsync(m => m.Status == "assigned" && m.Messages.Count >= 7, "the reassignment after reopening");
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], reopened.Messages.Select(m => m.Seq));
        Assert.Equal("One more thing: it was redirected?", reopened.Messages[5].Text);
        Assert.Equal("Luca joined the conversation.", reopened.Messages[6].Text);
        conversation = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == opened.ConversationId));
        var parcels = await app.DbAsync(db => db.Queues.Where(q => q.Name == "Parcels").Select(q => q.Id).FirstAsync());
        Assert.Equal((parcels, luca.Id), (conversation.QueueId!.Value, conversation.AssigneeId!.Value));

        var events = await app.DbAsync(db => db.ReportingEvents.Where(e => e.ConversationId == opened.ConversationId)
            .OrderBy(e => e.Id).Select(e => e.Name).ToListAsync());
        Assert.Equal(
            [ReportingEventNames.ConversationOpened, ReportingEventNames.HandedOff, ReportingEventNames.Assigned, ReportingEventNames.FirstHumanReply,
             ReportingEventNames.Resolved, ReportingEventNames.Reopened, ReportingEventNames.HandedOff, ReportingEventNames.Assigned],
            events);
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Outside_business_hours_the_customer_is_told_when_advisors_are_back(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider, new TestClock(TestClock.SundayAfternoon));
        using var customer = await app.GuestAsync();

        var inbox = await customer.Http.GetFromJsonAsync<InboxInfo>($"{WidgetClient.Base}/inboxes/demo-website", System.Text.Json.JsonSerializerOptions.Web);
        Assert.False(inbox!.Open);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.Zero), inbox.NextOpening!.Value.ToUniversalTime());
        Assert.Equal("tomorrow at 08:00", inbox.OpensText);
        Assert.Equal("Europe/Paris", inbox.TimeZone);

        await customer.OpenAsync();
        await customer.SendAsync("bank");
        var queued = await customer.WaitForAsync(m => m.Messages.Count >= 3, "the closed notice");
        Assert.Equal("queued", queued.Status);
        Assert.Equal(
            "Thank you. Our advisors are away right now; your question about Bank is saved and an advisor will answer from tomorrow at 08:00. You can close this window: the reply will be here.",
            queued.Messages[2].Text);

        app.Clock.Set(TestClock.WeekdayMorning);
        var open = await customer.Http.GetFromJsonAsync<InboxInfo>($"{WidgetClient.Base}/inboxes/demo-website", System.Text.Json.JsonSerializerOptions.Web);
        Assert.True(open!.Open);
        Assert.Null(open.NextOpening);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_second_customer_in_a_queue_is_told_they_are_number_two(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var first = await app.GuestAsync();
        using var second = await app.GuestAsync();
        await first.OpenAsync();
        await second.OpenAsync();

        await first.SendAsync("Mobile", "mobile");
        await first.WaitForAsync(m => m.Messages.Count >= 3, "the first notice");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await second.SendAsync("Mobile", "mobile");
        var notice = (await second.WaitForAsync(m => m.Messages.Count >= 3, "the second notice")).Messages[2];

        Assert.Contains("You are number 2 in the queue", notice.Text, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task With_an_advisor_free_the_customer_is_promised_one_in_a_moment(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await app.Service<ConversationActions>().SetPresenceAsync(await app.AdvisorAsync("sofia@parley.local"), Presence.Online, CancellationToken.None);
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();

        await customer.SendAsync("Bank", "bank");
        var assigned = await customer.WaitForAsync(m => m.Status == "assigned" && m.Messages.Count >= 4, "the assignment");

        Assert.Equal("Thank you. I'm passing you to an advisor about Bank; they will be with you in a moment.", assigned.Messages[2].Text);
        Assert.Equal("Sofia joined the conversation.", assigned.Messages[3].Text);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_signed_in_customer_gets_the_same_conversation_on_every_device(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var widget = await app.DemoWidgetAsync();
        var request = new SessionRequest("demo-website", null, "alice", IdentityVerification.Sign(widget.IdentitySecret, "alice"), "Alice", null);
        using var phone = app.Widget();
        using var laptop = app.Widget();

        var onPhone = await phone.StartAsync(request);
        var onLaptop = await laptop.StartAsync(request);
        Assert.True(onPhone.Verified);
        Assert.Equal(onPhone.ContactId, onLaptop.ContactId);

        var conversation = await phone.OpenAsync();
        await phone.SendAsync("Parcels", "parcels");
        await phone.WaitForAsync(m => m.Messages.Count >= 3, "the handoff");

        Assert.Equal(conversation.ConversationId, (await laptop.OpenAsync()).ConversationId);
        Assert.Equal(
            (await phone.MessagesAsync()).Messages.Select(m => (m.Id, m.Text)),
            (await laptop.MessagesAsync()).Messages.Select(m => (m.Id, m.Text)));
    }

    [Fact]
    public async Task A_guest_coming_back_with_its_refresh_token_finds_its_conversation()
    {
        await using var app = new ParleyApplication();
        using var first = await app.GuestAsync();
        var conversation = await first.OpenAsync();
        using var again = await app.ReturningGuestAsync(first.Session!.RefreshToken);
        using var stranger = await app.GuestAsync();

        Assert.Null(first.Session.ContactId); // a guest's session stores nothing until the conversation opens
        var contactId = await app.ContactOfAsync(conversation.ConversationId);
        Assert.Equal(contactId, again.Session!.ContactId);
        Assert.Equal(conversation.ConversationId, (await again.OpenAsync()).ConversationId);
        Assert.NotEqual(conversation.ConversationId, (await stranger.OpenAsync()).ConversationId);
        Assert.Equal(HttpStatusCode.OK, (await stranger.Http.GetAsync($"{WidgetClient.Base}/messages")).StatusCode);
    }
}
