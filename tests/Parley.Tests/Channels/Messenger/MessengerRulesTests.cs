using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Delivery;
using Parley.Channels.Meta;
using Parley.Conversations;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Messenger;

public sealed class MessengerRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_window_allows_everyone_for_a_day_then_only_advisors_with_the_human_agent_tag_for_a_week()
    {
        Assert.Equal(new MessagingTerms("RESPONSE", null), MetaSendRules.Terms(AuthorKind.Bot, Now.AddHours(-23.9), Now).Terms);
        Assert.Equal(new MessagingTerms("MESSAGE_TAG", "HUMAN_AGENT"), MetaSendRules.Terms(AuthorKind.Advisor, Now.AddHours(-25), Now).Terms);
        Assert.Contains("the bot does not write after it", MetaSendRules.Terms(AuthorKind.Bot, Now.AddHours(-25), Now).Refusal, StringComparison.Ordinal);
        Assert.Equal(new MessagingTerms("MESSAGE_TAG", "HUMAN_AGENT"), MetaSendRules.Terms(AuthorKind.Advisor, Now.AddDays(-6.9), Now).Terms);
        Assert.Contains("More than 7 days", MetaSendRules.Terms(AuthorKind.Advisor, Now.AddDays(-7.1), Now).Refusal, StringComparison.Ordinal);
        Assert.NotNull(MetaSendRules.Terms(AuthorKind.Advisor, null, Now).Refusal);
    }

    [Fact]
    public void Options_beyond_quick_replies_limits_become_a_numbered_list_with_a_warning()
    {
        var three = new[] { new MessageOption("a", "Parcels"), new MessageOption("b", "Bank"), new MessageOption("c", "Mobile") };
        var (quick, text) = MetaSendRules.Options("Topic?", three, out var none);
        Assert.Equal(three, quick);
        Assert.Equal(("Topic?", (string?)null), (text, none));

        var fourteen = Enumerable.Range(1, 14).Select(i => new MessageOption($"o{i}", $"Option {i}")).ToList();
        (quick, text) = MetaSendRules.Options("Topic?", fourteen, out var tooMany);
        Assert.Null(quick);
        Assert.Contains("1. Option 1\n2. Option 2", text, StringComparison.Ordinal);
        Assert.Contains("14. Option 14", text, StringComparison.Ordinal);
        Assert.Contains("at most 13", tooMany, StringComparison.Ordinal);

        (quick, _) = MetaSendRules.Options("Topic?", [new MessageOption("x", "Registered letters and parcels")], out var tooLong);
        Assert.Null(quick);
        Assert.Contains("longer than 20 characters", tooLong, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, 613, null, SendOutcome.RetryLater, true)]
    [InlineData(400, 4, null, SendOutcome.RetryLater, true)]
    [InlineData(400, 80007, null, SendOutcome.RetryLater, true)]
    [InlineData(429, null, null, SendOutcome.RetryLater, true)]
    [InlineData(500, 2, null, SendOutcome.RetryLater, false)]
    [InlineData(503, null, null, SendOutcome.RetryLater, false)]
    [InlineData(400, 551, 1545041, SendOutcome.Failed, false)]
    [InlineData(400, 10, 2018278, SendOutcome.Failed, false)]
    [InlineData(400, 100, 2018001, SendOutcome.Failed, false)]
    public void Graph_errors_are_waited_out_or_shown(int status, int? code, int? subcode, SendOutcome outcome, bool pauses)
    {
        var result = MetaSendRules.Classify(status, code, subcode, "message", null);
        Assert.Equal((outcome, pauses), (result.Outcome, result.ConnectionPaused));
    }

    [Fact]
    public async Task Throttling_answers_are_retried_until_the_message_is_delivered_exactly_once()
    {
        await using var world = await MetaWorld.StartAsync();
        var throttled = 2;
        world.Graph.Respond = r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && Interlocked.Decrement(ref throttled) >= 0
            ? MetaWorld.GraphError(400, 613, "Calls to this api have exceeded the rate limit.")
            : world.Answer(r);

        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));
        await Expect.UntilAsync(() => world.App.DbAsync(db => db.Deliveries.AnyAsync(d => d.Attempts == 1 && d.LastError!.Contains("613"))), "the first throttled answer");
        await Expect.UntilAsync(async () =>
        {
            world.App.Clock.Advance(TimeSpan.FromMinutes(2));
            world.App.Service<OutboundSignal>().Ring();
            return await world.App.DbAsync(db => db.Deliveries.AnyAsync(d => d.Status == DeliveryState.Sent));
        }, "the greeting delivered");

        Assert.Equal(3, world.Graph.To("/messages").Count);
        var delivery = await world.App.DbAsync(db => db.Deliveries.SingleAsync());
        Assert.Equal((3, DeliveryState.Sent), (delivery.Attempts, delivery.Status));
        await Task.Delay(300);
        Assert.Equal(3, world.Graph.To("/messages").Count);
    }

    [Fact]
    public async Task A_customer_who_cannot_be_reached_fails_the_message_with_metas_reason()
    {
        await using var world = await MetaWorld.StartAsync();
        world.Graph.Respond = r => r.Path.EndsWith("/messages", StringComparison.Ordinal)
            ? MetaWorld.GraphError(400, 551, "This person isn't available right now.", 1545041)
            : world.Answer(r);

        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));

        var conversation = await world.ConversationOfAsync("psid-ann");
        var greeting = await Expect.ResultAsync(async () => (await world.MessagesAsync(conversation.Id)).FirstOrDefault(m => m.DeliveryStatus == DeliveryStatus.Failed), "the failure");
        Assert.Equal("(#551/1545041) This person isn't available right now.", greeting.FailureReason);
        Assert.Single(world.Graph.To("/messages"));
    }

    [Fact]
    public async Task After_a_day_an_advisor_writes_with_the_human_agent_tag_and_after_a_week_not_at_all()
    {
        await using var world = await MetaWorld.StartAsync();
        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));
        await world.PostAsync(world.Body(world.QuickReply("psid-ann", "mid.2", "Bank", "bank")));
        var conversation = await Expect.ResultAsync(async () => await world.ConversationOfAsync("psid-ann") is { Status: ConversationStatus.Queued } c ? c : null, "queued");
        await world.UntilSentAsync(2, "the bot's messages");
        var luca = await world.App.AdvisorAsync("luca@parley.local");
        var actions = world.App.Service<ConversationActions>();

        world.App.Clock.Advance(TimeSpan.FromHours(30));
        Assert.True((await actions.ReplyAsync(luca, conversation.Id, "Sorry for the wait.", CancellationToken.None)).Ok);
        await world.UntilSentAsync(3, "the tagged reply");
        var tagged = world.Sent[^1];
        Assert.Equal(("MESSAGE_TAG", "HUMAN_AGENT"), (tagged.GetProperty("messaging_type").GetString(), tagged.GetProperty("tag").GetString()));

        // After a week the console refuses, with the reason, and nothing is stored or sent.
        world.App.Clock.Advance(TimeSpan.FromDays(7));
        var late = await actions.ReplyAsync(luca, conversation.Id, "Are you still there?", CancellationToken.None);
        Assert.False(late.Ok);
        Assert.Contains("after 7 days Meta allows no reply", late.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(await world.MessagesAsync(conversation.Id), m => m.Text == "Are you still there?");
        await Task.Delay(200);
        Assert.Equal(3, world.Graph.To("/messages").Count);
    }

    [Fact]
    public async Task The_customer_sees_the_advisor_typing_and_their_messages_seen_inside_the_window_only()
    {
        await using var world = await MetaWorld.StartAsync();
        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));
        await world.PostAsync(world.Body(world.QuickReply("psid-ann", "mid.2", "Bank", "bank")));
        var conversation = await Expect.ResultAsync(async () => await world.ConversationOfAsync("psid-ann") is { Status: ConversationStatus.Queued } c ? c : null, "queued");
        var luca = await world.App.AdvisorAsync("luca@parley.local");
        var actions = world.App.Service<ConversationActions>();
        Assert.True((await actions.TakeOverAsync(luca, conversation.Id, CancellationToken.None)).Ok);

        await actions.AdvisorTypingAsync(luca, conversation.Id, true, CancellationToken.None);
        await actions.AdvisorReadAsync(luca, conversation.Id, long.MaxValue, CancellationToken.None);

        string? Action(RecordedRequest r) => r.Json.TryGetProperty("sender_action", out var a) ? a.GetString() : null;
        await Expect.UntilAsync(() => Task.FromResult(world.Graph.To("/messages").Count(r => Action(r) is not null) == 2), "both sender actions");
        Assert.Equal(["typing_on", "mark_seen"], world.Graph.To("/messages").Select(Action).OfType<string>());
        Assert.Equal("psid-ann", world.Graph.To("/messages")[^1].Json.GetProperty("recipient").GetProperty("id").GetString());

        // After the window Meta takes no sender action: none is sent.
        world.App.Clock.Advance(TimeSpan.FromHours(25));
        await actions.AdvisorTypingAsync(luca, conversation.Id, true, CancellationToken.None);
        await Task.Delay(300);
        Assert.Equal(2, world.Graph.To("/messages").Count(r => Action(r) is not null));
    }

    [Fact]
    public async Task Instagram_direct_messages_take_the_same_path_on_the_instagram_account()
    {
        await using var world = await MetaWorld.StartAsync(ChannelKind.Instagram);

        Assert.Equal(HttpStatusCode.OK, (await world.PostAsync(world.Body(world.Text("igsid-ann", "aWdfZAG1.1", "ciao")))).StatusCode);
        await world.UntilSentAsync(1, "the greeting");
        Assert.Equal($"/v23.0/{world.PageId}/messages", world.Graph.To("/messages")[0].Path);
        Assert.Equal(3, world.Sent[0].GetProperty("message").GetProperty("quick_replies").GetArrayLength());

        await world.PostAsync(world.Body(world.QuickReply("igsid-ann", "aWdfZAG1.2", "Mobile", "mobile")));
        var conversation = await Expect.ResultAsync(async () => await world.ConversationOfAsync("igsid-ann") is { Status: ConversationStatus.Queued } c ? c : null, "queued");
        Assert.Equal("Mobile", await world.App.DbAsync(db => db.Queues.Where(q => q.Id == conversation.QueueId).Select(q => q.Name).FirstAsync()));
        var profile = await Expect.ResultAsync(() => Task.FromResult(world.Graph.Requests.FirstOrDefault(r => r.Method == "GET")), "the profile asked");
        Assert.Contains("fields=name,username,profile_pic", profile.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fuzzed_payloads_never_cause_a_server_error()
    {
        await using var world = await MetaWorld.StartAsync();
        var random = new Random(20261202);
        var valid = new[]
        {
            world.Body(world.Text("psid-f", "mid.f", "hello")),
            world.Body(world.QuickReply("psid-f", "mid.q", "Bank", "bank")),
            world.Body(world.Event("psid-f", new JsonObject { ["delivery"] = new JsonObject { ["mids"] = new JsonArray("m_1"), ["watermark"] = 1 } })),
            world.Body(world.Event("psid-f", new JsonObject { ["read"] = new JsonObject { ["watermark"] = 1764669600000 } })),
            world.Body(world.Event("psid-f", new JsonObject { ["postback"] = new JsonObject { ["title"] = "Start", ["payload"] = "GET_STARTED" } })),
        };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 300; i++)
        {
            var body = Fuzz.Mutate(valid[i % valid.Length], random);
            var response = await world.PostAsync(body);
            statuses.Add(response.StatusCode);
            Assert.True((int)response.StatusCode < 500, $"{response.StatusCode} for {body}");
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
        Assert.True(world.App.LoggedErrors.IsEmpty, string.Join("\n", world.App.LoggedErrors));
    }
}
