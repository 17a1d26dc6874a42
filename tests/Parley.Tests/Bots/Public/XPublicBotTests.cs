using Microsoft.EntityFrameworkCore;
using Parley.Bots.Public;
using Parley.Conversations;
using Parley.Tests.Channels.X;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Channels.X.XTweetTests;

namespace Parley.Tests.Bots.Public;

/// <summary>The public bot on X: authors are read from the tweet (screen name, followers_count); X has no private replies.</summary>
public sealed class XPublicBotTests
{
    private static readonly PublicBotSettings Settings = new()
    {
        Mode = PublicBotMode.AutoReply,
        PublicAnswer = "Write to us in DM, we'll sort it out.",
        InfluentialFollowers = 50_000,
        VipHandles = ["@MayorOfTown"],
    };

    private static string From(string tweet, string screenName, long? followers) =>
        tweet.Replace("\"screen_name\": \"furiouscamper\"}", $"\"screen_name\": \"{screenName}\"{(followers is { } f ? $", \"followers_count\": {f}" : "")}}}", StringComparison.Ordinal);

    [Fact]
    public async Task An_influential_or_vip_author_goes_to_a_human_and_the_others_get_the_bots_public_answer()
    {
        await using var x = await XChannel.StartAsync();
        await PublicWorld.ConfigureAsync(x.App, x.Connection.ConnectionId, Settings);

        await x.PostOkAsync(Created(From(Tweet("701", XPayloads.Customer, "@laposta a question about lockers"), "famouscamper", 250_000)));
        var influential = await Expect.ResultAsync(async () => await x.ConversationOfAsync(XPayloads.Customer) is { Status: not ConversationStatus.WithBot } c ? c : null, "settled");
        Assert.Equal(ConversationStatus.Queued, influential.Status);
        var stored = (await x.MessagesAsync()).Single(m => m.ChannelMessageId == "701");
        Assert.Equal(new PublicAuthor("famouscamper", 250_000), MessagePayload.Parse(stored.PayloadJson)?.Author);
        Assert.Equal("public:influential-author", await x.App.DbAsync(db => db.ReportingEvents
            .Where(e => e.ConversationId == influential.Id && e.Name == Parley.Analytics.ReportingEventNames.HandedOff).Select(e => e.Detail).SingleAsync()));

        await x.PostOkAsync(Created(From(Tweet("702", "3001969358", "@laposta hello"), "mayoroftown", null)));
        var vip = await Expect.ResultAsync(async () => await x.ConversationOfAsync("3001969358") is { Status: not ConversationStatus.WithBot } c ? c : null, "settled");
        Assert.Equal(ConversationStatus.Queued, vip.Status);

        await x.PostOkAsync(Created(From(Tweet("703", "3001969359", "@laposta hello"), "smallcamper", 120)));
        var answered = await Expect.ResultAsync(async () => await x.ConversationOfAsync("3001969359") is { Status: not ConversationStatus.WithBot } c ? c : null, "settled");
        Assert.Equal(ConversationStatus.Resolved, answered.Status);
        Assert.Contains(await x.MessagesAsync(), m => m.ConversationId == answered.Id && m.AuthorKind == AuthorKind.Bot && m.Text == Settings.PublicAnswer);
        Assert.DoesNotContain(await x.MessagesAsync(), m => m.ConversationId == answered.Id && m.AuthorKind == AuthorKind.System);
    }
}
