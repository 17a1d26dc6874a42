using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Conversations;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots;

/// <summary>The demo's published flow, as a customer on the demo website meets it.</summary>
public sealed class DemoFlowTests
{
    private static ParleyApplication Demo() => new() { Settings = { ["Demo:Flow"] = "true" } };

    private static async Task<WidgetClient> CustomerAsync(ParleyApplication app)
    {
        var customer = await WidgetClient.OpenedAsync(app);
        await customer.WaitForAsync(m => m.Messages.Any(x => x.Text == "What is your question about?"), "the greeting and the topics");
        return customer;
    }

    [Theory]
    [InlineData("mon colis est bloqué depuis une semaine")]
    [InlineData("where is my parcel?")]
    [InlineData("dov'è il mio pacco")]
    public async Task Free_text_in_three_languages_is_understood_and_the_bot_asks_for_the_parcel_number(string said)
    {
        await using var app = Demo();
        var customer = await CustomerAsync(app);

        await customer.SendAsync(said);

        await customer.WaitForAsync(m => m.Messages.Any(x => x.Text == "Sure. What is the parcel number? It looks like RR123456785IT."), "the parcel question");
        var stored = await app.DbAsync(db => db.Messages.SingleAsync(m => m.Text == said));
        Assert.Equal("track_parcel", stored.Intent);
        Assert.Equal(said.StartsWith("mon", StringComparison.Ordinal) ? "fr" : said.StartsWith("dov", StringComparison.Ordinal) ? "it" : "en", stored.Language);
        Assert.NotNull(stored.Sentiment);
    }

    [Theory]
    [InlineData("RR423456783IT", "Parcel RR423456783IT: Waiting at a pick-up point")]
    [InlineData("rr999999995it", "I can't find parcel RR999999995IT. Please check the number on your receipt.")]
    public async Task A_parcel_number_is_tracked_through_the_parcel_api_and_the_bot_answers(string number, string answer)
    {
        await using var app = Demo();
        app.StartKestrel();
        var customer = await CustomerAsync(app);

        await customer.SendAsync("where is my parcel?");
        await customer.WaitForAsync(m => m.Messages.Any(x => x.Text!.StartsWith("Sure. What is the parcel number?", StringComparison.Ordinal)), "the parcel question");
        await customer.SendAsync($"it is {number} thanks");

        var seen = await customer.WaitForAsync(m => m.Messages.Any(x => x.Text!.StartsWith(answer, StringComparison.Ordinal)), "the tracking answer");
        Assert.Contains(seen.Messages, x => x.Text == "Can I help with anything else?");
        var call = await app.DbAsync(db => db.ReportingEvents.Where(e => e.Name == ReportingEventNames.BotApiCall).Select(e => e.Detail).SingleAsync());
        Assert.StartsWith($"La Posta assistant/track: {(number.StartsWith("RR", StringComparison.Ordinal) ? "success" : "not found")}", call, StringComparison.Ordinal);

        // "No, thanks": the bot resolves the conversation.
        await customer.SendAsync("x", replyTo: "done");
        await customer.WaitForAsync(m => m.Status == "resolved", "the bot's resolution");
    }

    [Fact]
    public async Task Asking_for_an_advisor_in_french_reaches_the_queue_with_the_reason()
    {
        await using var app = Demo();
        var customer = await CustomerAsync(app);

        await customer.SendAsync("je veux parler à un conseiller");

        await customer.WaitForAsync(m => m.Status == "queued", "the handoff");
        var reason = await app.DbAsync(db => db.ReportingEvents.Where(e => e.Name == ReportingEventNames.HandedOff).Select(e => e.Detail).SingleAsync());
        Assert.Equal("The customer asked for a human.", reason);
        Assert.Equal(ConversationStatus.Queued, await app.DbAsync(db => db.Conversations.Select(c => c.Status).SingleAsync()));
    }

    [Fact]
    public async Task A_wrong_parcel_number_is_asked_again_then_an_advisor_takes_over()
    {
        await using var app = Demo();
        var customer = await CustomerAsync(app);
        await customer.SendAsync("x", replyTo: "parcels");
        await customer.WaitForAsync(m => m.Messages.Any(x => x.Text!.StartsWith("Sure. What is the parcel number?", StringComparison.Ordinal)), "the parcel question");

        await customer.SendAsync("RR123456788IT");
        await customer.WaitForAsync(m => m.Messages.Any(x => x.Text!.StartsWith("That doesn't look like a parcel number.", StringComparison.Ordinal)), "the retry (wrong check digit)");
        await customer.SendAsync("I lost it");
        await customer.SendAsync("no idea");

        await customer.WaitForAsync(m => m.Status == "queued", "the handoff after three misunderstandings");
        var misunderstood = await app.DbAsync(db => db.ReportingEvents.CountAsync(e => e.Name == ReportingEventNames.BotMisunderstood));
        Assert.Equal(3, misunderstood);
    }
}
