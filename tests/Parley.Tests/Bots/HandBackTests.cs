using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots;

public sealed class HandBackTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_hands_the_conversation_back_to_the_bot_at_a_step_and_the_bot_goes_on_from_there(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var app = new ParleyApplication(database) { Settings = { ["Demo:Flow"] = "true" } };
        var customer = app.Widget();
        await customer.StartGuestAsync();
        var conversation = (await customer.OpenAsync()).ConversationId;
        await customer.SendAsync("je veux parler à un conseiller");
        await customer.WaitForAsync(m => m.Status == "queued", "the handoff");
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, conversation, default)).Ok);
        var handBack = app.Service<FlowHandBack>();

        Assert.Contains("ask_parcel", await handBack.StepsAsync(marie, conversation, default));
        Assert.Equal("welcome", (await handBack.StepsAsync(marie, conversation, default))[0]);
        Assert.Equal("Only the assigned advisor or a supervisor can hand this conversation back to the bot.",
            (await handBack.HandBackAsync(luca, conversation, "ask_parcel", default)).Error);
        Assert.Equal("The bot's flow has no step 'nowhere'.", (await handBack.HandBackAsync(marie, conversation, "nowhere", default)).Error);

        Assert.True((await handBack.HandBackAsync(marie, conversation, "ask_parcel", default)).Ok);

        var back = await customer.WaitForAsync(m => m.Status == "withBot" && m.Messages[^1].Text == "Sure. What is the parcel number? It looks like RR123456785IT.", "the bot's question");
        var stored = await app.DbAsync(db => db.Conversations.SingleAsync(c => c.Id == conversation));
        Assert.Equal((ConversationStatus.WithBot, null, null), (stored.Status, stored.AssigneeId, stored.QueueId));
        Assert.Equal("Marie: ask_parcel", await app.DbAsync(db => db.ReportingEvents.Where(e => e.Name == ReportingEventNames.HandedBack).Select(e => e.Detail).SingleAsync()));
        Assert.Equal("The bot has this conversation already.", (await handBack.HandBackAsync(marie, conversation, "welcome", default)).Error);

        // The flow goes on: a wrong number is asked again, by the bot, not the advisor.
        await customer.SendAsync("no idea");
        await customer.WaitForAsync(m => m.Messages[^1].Text!.StartsWith("That doesn't look like a parcel number.", StringComparison.Ordinal), "the bot's retry");
        Assert.True(back.Messages.Count > 0);
    }
}
