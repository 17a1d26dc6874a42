using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Console.Notes;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Delivery;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Console;

/// <summary>Internal notes stay internal; an @mention notifies the advisor named, and only them, until they read it.</summary>
public sealed class NotesTests
{
    private const string Secret = "Internal: customer flagged for fraud review";

    [Theory, OnSqlite, OnPostgres]
    public async Task A_note_never_reaches_the_widgets_history_nor_any_delivery(DatabaseProvider provider)
    {
        var platform = new RecordingConnector();
        await using var app = new ParleyApplication(provider) { TestServices = PushChannel.With(platform) };
        var marie = await SessionAsync(app, "marie@parley.local");
        var notes = app.Service<ConversationNotes>();
        var actions = app.Service<ConversationActions>();

        // A website conversation: the widget's history API (and its long poll) shows no note.
        var (web, customer) = await ConversationAsync(app);
        using var _ = customer;
        Assert.True((await actions.TakeOverAsync(marie, web, CancellationToken.None)).Ok);
        var before = await customer.MessagesAsync();
        Assert.NotNull((await notes.AddAsync(marie, web, Secret, CancellationToken.None)).Note);
        Assert.True((await actions.ReplyAsync(marie, web, "Let me check that for you.", CancellationToken.None)).Ok);
        var after = await customer.MessagesAsync();
        Assert.Equal(before.Messages.Count + 1, after.Messages.Count);
        Assert.DoesNotContain(after.Messages, m => m.Text?.Contains("fraud", StringComparison.Ordinal) == true);

        // A push channel: what the platform is sent holds the bot's greeting and the reply, never the note.
        var inbox = await PushChannel.InboxAsync(app);
        var push = (await PushChannel.ConversationsAsync(app, inbox, 1))[0];
        Assert.True((await actions.TakeOverAsync(marie, push, CancellationToken.None)).Ok);
        Assert.NotNull((await notes.AddAsync(marie, push, Secret, CancellationToken.None)).Note);
        Assert.True((await actions.ReplyAsync(marie, push, "Back to you shortly.", CancellationToken.None)).Ok);
        await Expect.UntilAsync(() => Task.FromResult(platform.Accepted.Any(s => s.Text == "Back to you shortly.")), "the reply sent");
        await PushChannel.UntilSettledAsync(app);

        Assert.DoesNotContain(platform.Accepted, s => s.Text.Contains("fraud", StringComparison.Ordinal));
        Assert.False(await app.DbAsync(db => db.Messages.AnyAsync(m => m.Text != null && m.Text.Contains("fraud"))));
        Assert.Equal(2, await app.DbAsync(db => db.ConversationNotes.CountAsync()));
        Assert.Equal(Secret, (await notes.ListAsync(marie, push, CancellationToken.None))!.Single().Body);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_mention_notifies_the_advisor_named_only_and_stays_unread_until_they_read_it(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var luca = await SessionAsync(app, "luca@parley.local");
        var sam = await SessionAsync(app, "supervisor@parley.local");
        var (_, outsider) = await OtherBrandAsync(app);
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        using var live = app.Service<ConversationEventHub>().SubscribeAccount(account);
        using var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        var posted = await marie.PostAsJsonAsync($"/api/console/conversations/{conversationId}/notes",
            new NoteInput("@luca can you look? @Sam (supervisor) FYI. Not @Olga Other, not me@marie.example, not @Marie."));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var note = (await posted.Content.ReadFromJsonAsync<NoteView>(Json))!;
        Assert.Equal(new[] { luca.Id, sam.Id }.Order(), note.MentionedIds.Order());

        // Told live, through the hub: one event per advisor named.
        var mentioned = new List<long>();
        await Expect.UntilAsync(() =>
        {
            while (live.Reader.TryRead(out var e))
            {
                if (e is AdvisorMentioned m)
                {
                    mentioned.Add(m.AdvisorId);
                }
            }

            return Task.FromResult(mentioned.Count >= 2);
        }, "the mentions published");
        Assert.Equal(new[] { luca.Id, sam.Id }.Order(), mentioned.Order());
        Assert.DoesNotContain(outsider.Id, mentioned);

        // Stored: a later sign-in still sees it unread, until it is read; nobody else sees it or can read it.
        using (var sofia = await ConsoleLogin.SignedInAsync(app, "sofia@parley.local"))
        {
            Assert.Empty((await sofia.GetFromJsonAsync<List<MentionView>>("/api/console/mentions", Json))!);
        }

        using var lucaLater = await ConsoleLogin.SignedInAsync(app, "luca@parley.local");
        var unread = (await lucaLater.GetFromJsonAsync<List<MentionView>>("/api/console/mentions", Json))!;
        var mention = Assert.Single(unread);
        Assert.Equal((conversationId, note.Id, "Marie"), (mention.ConversationId, mention.NoteId, mention.AuthorName));
        Assert.Equal(HttpStatusCode.NotFound, (await marie.PostAsync($"/api/console/mentions/{mention.Id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await lucaLater.PostAsync($"/api/console/mentions/{mention.Id}/read", null)).StatusCode);
        Assert.Empty((await lucaLater.GetFromJsonAsync<List<MentionView>>("/api/console/mentions", Json))!);
        Assert.Single((await app.Service<ConversationNotes>().UnreadMentionsAsync(sam, CancellationToken.None)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Another_brands_advisor_can_neither_read_nor_write_the_notes(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await OtherBrandAsync(app);
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        using var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        using var olga = await ConsoleLogin.SignedInAsync(app, "admin@other.example");
        using var anonymous = app.CreateClient();
        var url = $"/api/console/conversations/{conversationId}/notes";
        Assert.Equal(HttpStatusCode.Created, (await marie.PostAsJsonAsync(url, new NoteInput("Our own business"))).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await olga.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await olga.PostAsJsonAsync(url, new NoteInput("Let me in"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await marie.PostAsJsonAsync(url, new NoteInput("   "))).StatusCode);
        var seen = (await marie.GetFromJsonAsync<List<NoteView>>(url, Json))!;
        Assert.Equal("Our own business", Assert.Single(seen).Body);
    }

    [Theory]
    [InlineData("@Marie please", new long[] { 2 })]
    [InlineData("@mari and @MARIE", new long[] { 1, 2 })]
    [InlineData("ask @Mariella", new long[0])]
    [InlineData("write to someone@Marie.example", new long[0])]
    [InlineData("@Sam (supervisor), then @Sam (supervisor) again", new long[] { 3 })]
    [InlineData("@Sam alone", new long[] { 4 })]
    public void A_note_names_whole_display_names_after_an_at_sign(string body, long[] expected)
    {
        Mentionable[] advisors = [new(1, "Mari"), new(2, "Marie"), new(4, "Sam"), new(3, "Sam (supervisor)")];

        Assert.Equal(expected, NoteMentions.Find(body, advisors));
    }
}
