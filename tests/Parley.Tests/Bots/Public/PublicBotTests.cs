using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots.Public;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Messenger;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Channels.Messenger.FacebookFeedTests;

namespace Parley.Tests.Bots.Public;

/// <summary>The bot on public messages through the engine: signed feed webhooks in, public answers, private replies and handoffs out.</summary>
public sealed class PublicBotTests
{
    private static readonly PublicBotSettings AutoReply = new()
    {
        Mode = PublicBotMode.AutoReply,
        PublicAnswer = "We've answered you in private 📩",
        PrivateReply = "Hi Ann, tell us your tracking number here.",
        Keywords = ["lawyer", "data breach"],
        InfluentialFollowers = 10_000,
    };

    [Theory, OnSqlite, OnPostgres]
    public async Task Auto_reply_answers_in_public_as_the_bot_replies_in_private_and_the_private_bot_takes_over(DatabaseProvider provider)
    {
        await using var world = await PublicWorld.StartAsync(AutoReply, provider);

        await Expect.StatusAsync(await world.PostAsync(world.Changes(("feed", Comment("c1", PostA, "psid-ann", "Where is my parcel?")))), System.Net.HttpStatusCode.OK);

        var thread = await PublicWorld.SettledAsync(world, "psid-ann");
        Assert.Equal((true, ConversationStatus.Resolved), (thread.IsPublic, thread.Status));
        var answer = (await world.MessagesAsync(thread.Id)).Single(m => m.AuthorKind == AuthorKind.Bot);
        Assert.Equal("We've answered you in private 📩", answer.Text);
        // The answer goes out in public, under the customer's comment.
        await Expect.UntilAsync(() => Task.FromResult(world.Graph.To("/c1/comments").Count == 1), "the public answer under the comment");
        Assert.StartsWith("We've answered you in private 📩", world.Graph.To("/c1/comments")[0].Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        await Expect.UntilAsync(() => Task.FromResult(PublicWorld.PrivateReplies(world).Count == 1), "the private reply");
        Assert.Equal(($"/v23.0/{world.PageId}/messages", "c1", "Hi Ann, tell us your tracking number here."), PublicWorld.PrivateReplies(world)[0]);
        await Expect.UntilAsync(async () => (await world.MessagesAsync(thread.Id)).Any(m => m.AuthorKind == AuthorKind.System
            && m.Text!.StartsWith(PublicBot.PrivateReplySentNote, StringComparison.Ordinal)), "the private reply noted in the thread");
        var events = await world.App.DbAsync(db => db.ReportingEvents.AsNoTracking().Where(e => e.ConversationId == thread.Id).ToListAsync());
        Assert.Contains(events, e => e is { Name: ReportingEventNames.PublicAutoReply, Detail: "public:auto-reply", IsPublic: true });
        Assert.Contains(events, e => e is { Name: ReportingEventNames.PrivateReply, Detail: "sent", IsPublic: true });
        Assert.DoesNotContain(events, e => e.Name == ReportingEventNames.HandedOff);
        Assert.NotNull((await world.MessagesAsync(thread.Id)).Single(m => m.ChannelMessageId == "c1").PrivateReplyAt);

        // The customer answers in private: the private bot greets them in a private conversation of their own.
        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.private.1", "Hello, here I am")));
        var dm = await world.ConversationOfAsync("psid-ann");
        Assert.False(dm.IsPublic);
        await Expect.UntilAsync(async () => (await world.MessagesAsync(dm.Id)).Any(m => m.AuthorKind == AuthorKind.Bot), "the private bot's greeting");

        // A second comment in the answered thread is a human's: the bot answers a thread once.
        await world.PostAsync(world.Changes(("feed", Comment("c2", PostA, "psid-ann", "Thanks, and one more thing"))));
        await Expect.UntilAsync(async () => await world.App.DbAsync(db => db.Conversations.AnyAsync(c => c.Id == thread.Id && c.Status == ConversationStatus.Queued)),
            "the answered thread queued");
        Assert.Equal(["public:answered-before"], await PublicWorld.HandoffReasonsAsync(world, thread.Id));
        Assert.Single(await world.MessagesAsync(thread.Id), m => m.AuthorKind == AuthorKind.Bot);
        Assert.Single(PublicWorld.PrivateReplies(world));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_keyword_sends_the_comment_to_a_human_with_the_reason_and_no_bot_answer(DatabaseProvider provider)
    {
        await using var world = await PublicWorld.StartAsync(AutoReply, provider);

        await world.PostAsync(world.Changes(("feed", Comment("c1", PostA, "psid-ann", "My LAWYER will hear about this parcel"))));

        var thread = await PublicWorld.SettledAsync(world, "psid-ann");
        Assert.Equal((ConversationStatus.Queued, 0), (thread.Status, thread.Priority));
        Assert.Equal(["public:keyword"], await PublicWorld.HandoffReasonsAsync(world, thread.Id));
        var messages = await world.MessagesAsync(thread.Id);
        Assert.DoesNotContain(messages, m => m.AuthorKind == AuthorKind.Bot);
        Assert.Contains(messages, m => m.AuthorKind == AuthorKind.System && m.Text == "Sent to an advisor: The message contains \"lawyer\".");
        Assert.Empty(PublicWorld.PrivateReplies(world));
    }

    [Fact]
    public async Task A_negative_tone_is_a_complaint_that_goes_to_a_human_before_the_others()
    {
        await using var world = await PublicWorld.StartAsync(AutoReply with { Priority = 1, ComplaintPriority = 6 });

        await world.PostAsync(world.Changes(("feed", Comment("c1", PostA, "psid-ann", "This is the worst service ever, my parcel is lost"))));
        await world.PostAsync(world.Changes(("feed", Comment("c2", PostA, "psid-bob", "Thank you, great stamps!"))));

        var complaint = await PublicWorld.SettledAsync(world, "psid-ann");
        var customerMessage = (await world.MessagesAsync(complaint.Id)).Single(m => m.AuthorKind == AuthorKind.Customer);
        Assert.True(customerMessage.Sentiment < -0.2, "the stored tone is negative");
        Assert.Equal((ConversationStatus.Queued, 6), (complaint.Status, complaint.Priority));
        Assert.Equal(["public:negative-tone"], await PublicWorld.HandoffReasonsAsync(world, complaint.Id));
        var pleased = await PublicWorld.SettledAsync(world, "psid-bob");
        Assert.Equal(ConversationStatus.Resolved, pleased.Status);
    }

    [Fact]
    public async Task Off_sends_every_comment_to_the_public_queue_with_its_priority_and_a_complaint_first()
    {
        await using var world = await MetaWorld.StartAsync();
        var bank = await world.App.DbAsync(db => db.Queues.Where(q => q.Name == "Bank").Select(q => q.Id).SingleAsync());
        await PublicWorld.ConfigureAsync(world.App, world.Connection.ConnectionId, new PublicBotSettings { QueueId = bank, Priority = 2, ComplaintPriority = 7 });

        await world.PostAsync(world.Changes(("feed", Comment("c1", PostA, "psid-ann", "When do the new stamps come out?"))));
        await world.PostAsync(world.Changes(("feed", Comment("c2", PostA, "psid-bob", "Still waiting for my refund, this is ridiculous"))));

        var question = await PublicWorld.SettledAsync(world, "psid-ann");
        var complaint = await PublicWorld.SettledAsync(world, "psid-bob");
        Assert.Equal((ConversationStatus.Queued, bank, 2), (question.Status, question.QueueId, question.Priority));
        Assert.Equal((ConversationStatus.Queued, bank, 7), (complaint.Status, complaint.QueueId, complaint.Priority));
        Assert.Equal(["public"], await PublicWorld.HandoffReasonsAsync(world, question.Id));
        Assert.Equal(["public:negative-tone"], await PublicWorld.HandoffReasonsAsync(world, complaint.Id));
        Assert.DoesNotContain(await world.MessagesAsync(question.Id), m => m.AuthorKind is AuthorKind.Bot or AuthorKind.System);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_post_in_crisis_sends_its_threads_to_humans_first_and_moves_up_those_already_waiting(DatabaseProvider provider)
    {
        await using var world = await PublicWorld.StartAsync(AutoReply with { Keywords = ["refund"], CrisisPriority = 9 }, provider);
        await world.PostAsync(world.Changes(("feed", Comment("c1", PostA, "psid-bob", "I want a refund"))));
        var waiting = await PublicWorld.SettledAsync(world, "psid-bob");
        Assert.Equal((ConversationStatus.Queued, 0), (waiting.Status, waiting.Priority));
        var postId = waiting.PostId!.Value;

        var manager = await ConsoleLogin.SignedInAsync(world.App, "chiara@parley.local");
        await Expect.StatusAsync(await manager.PutAsync($"/api/console/posts/{postId}/crisis", Json(new { crisis = true })), System.Net.HttpStatusCode.OK);
        Assert.Equal(9, (await world.ConversationOfAsync("psid-bob")).Priority);

        await world.PostAsync(world.Changes(("feed", Comment("c2", PostA, "psid-ann", "Thanks for the quick fix!"))));
        var underCrisis = await PublicWorld.SettledAsync(world, "psid-ann");
        Assert.Equal((ConversationStatus.Queued, 9), (underCrisis.Status, underCrisis.Priority));
        Assert.Equal(["public:crisis"], await PublicWorld.HandoffReasonsAsync(world, underCrisis.Id));
        Assert.Empty(PublicWorld.PrivateReplies(world));
        var post = await world.App.DbAsync(db => db.SocialPosts.AsNoTracking().SingleAsync(p => p.Id == postId));
        Assert.NotNull(post.CrisisSince);

        // Another post's threads are not concerned; the flag lifted, the bot answers again.
        await Expect.StatusAsync(await manager.PutAsync($"/api/console/posts/{postId}/crisis", Json(new { crisis = false })), System.Net.HttpStatusCode.OK);
        await world.PostAsync(world.Changes(("feed", Comment("c3", PostA, "psid-cat", "Nice post"))));
        Assert.Equal(ConversationStatus.Resolved, (await PublicWorld.SettledAsync(world, "psid-cat")).Status);
    }

    private static StringContent Json(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
