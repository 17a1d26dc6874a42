using Microsoft.EntityFrameworkCore;
using Parley.Console.Help;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Channels.Delivery;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Console;

/// <summary>Who helps on a request, the trace it leaves, and that none of it ever reaches the customer.</summary>
public sealed class HelpRulesTests
{
    [Theory]
    [InlineData(AdvisorRole.Supervisor, new long[0], new long[0], true)]
    [InlineData(AdvisorRole.Supervisor, new long[] { 1 }, new long[] { 1, 2 }, true)]
    [InlineData(AdvisorRole.Supervisor, new long[] { 1 }, new long[] { 2 }, false)]
    [InlineData(AdvisorRole.Supervisor, new long[] { 1 }, new long[0], true)]
    [InlineData(AdvisorRole.Supervisor, new long[0], new long[] { 2 }, true)]
    [InlineData(AdvisorRole.Admin, new long[] { 1 }, new long[] { 2 }, true)]
    [InlineData(AdvisorRole.Advisor, new long[0], new long[0], false)]
    [InlineData(AdvisorRole.ChannelManager, new long[0], new long[0], false)]
    public void Supervisors_help_their_teams_advisors_admins_everyone(AdvisorRole role, long[] requesterTeams, long[] helperTeams, bool helps)
    {
        var helper = new AdvisorSession(9, "Helper", role, new HashSet<long> { 7 });

        Assert.Equal(helps, HelpRules.CanHelp(helper, 7, requesterTeams, helperTeams));
        Assert.False(HelpRules.CanHelp(helper, 8, requesterTeams, helperTeams));
    }

    [Fact]
    public void The_trace_names_the_requester_the_note_and_who_answered_and_closed()
    {
        Assert.Equal("Help requested by Marie: refund? — answered by Sam; closed by Marie.", HelpRules.Trace("Marie", "refund?", "Sam", "Marie", false));
        Assert.Equal("Help requested by Marie: refund? — taken over by Sam.", HelpRules.Trace("Marie", "refund?", null, "Sam", true));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Nothing_of_a_request_reaches_the_widgets_history_nor_any_delivery(DatabaseProvider provider)
    {
        var platform = new RecordingConnector();
        await using var app = new ParleyApplication(provider) { TestServices = PushChannel.With(platform) };
        var marie = await SessionAsync(app, "marie@parley.local");
        var sam = await SessionAsync(app, "supervisor@parley.local");
        var help = app.Service<HelpRequests>();
        var actions = app.Service<ConversationActions>();
        var (web, customer) = await ConversationAsync(app);
        using var _ = customer;
        using var followed = app.Service<ConversationEventHub>().SubscribeConversation(web);
        var inbox = await PushChannel.InboxAsync(app);
        var push = (await PushChannel.ConversationsAsync(app, inbox, 1))[0];
        Assert.True((await actions.TakeOverAsync(marie, web, CancellationToken.None)).Ok);
        Assert.True((await actions.TakeOverAsync(marie, push, CancellationToken.None)).Ok);
        var before = await customer.MessagesAsync();

        foreach (var conversationId in new[] { web, push })
        {
            var request = (await help.AskAsync(marie, conversationId, "secret escalation", CancellationToken.None)).Request!;
            Assert.Equal(HelpResult.Ok, (await help.AnswerAsync(sam, request.Id, "secret answer", CancellationToken.None)).Result);
            Assert.Equal(HelpResult.Ok, (await help.WhisperAsync(sam, request.Id, "secret whisper", CancellationToken.None)).Result);
            Assert.Equal(HelpResult.Ok, (await help.CloseAsync(sam, request.Id, CancellationToken.None)).Result);
            Assert.True((await actions.ReplyAsync(marie, conversationId, "Back to you shortly.", CancellationToken.None)).Ok);
        }

        await Expect.UntilAsync(() => Task.FromResult(platform.Accepted.Any(s => s.Text == "Back to you shortly.")), "the reply sent");
        await PushChannel.UntilSettledAsync(app);
        var after = await customer.MessagesAsync();
        Assert.Equal(before.Messages.Count + 1, after.Messages.Count);
        Assert.DoesNotContain(after.Messages, m => m.Text?.Contains("secret", StringComparison.Ordinal) == true || m.Text?.Contains("Help", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(platform.Accepted, s => s.Text.Contains("secret", StringComparison.Ordinal));
        Assert.False(await app.DbAsync(db => db.Messages.AnyAsync(m => m.Text != null && m.Text.Contains("secret"))));
        Assert.Equal(6, await app.DbAsync(db => db.ConversationNotes.CountAsync()));

        // The widget follows its conversation through the hub: no help event is addressed to it.
        var events = new List<ConversationEvent>();
        while (followed.Reader.TryRead(out var e))
        {
            events.Add(e);
        }

        Assert.DoesNotContain(events, e => e is HelpRequestChanged);
        Assert.Contains(events, e => e is MessageAdded);
    }
}
