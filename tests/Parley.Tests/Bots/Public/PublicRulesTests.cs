using Parley.Bots.Public;
using Parley.Conversations;

namespace Parley.Tests.Bots.Public;

public sealed class PublicRulesTests
{
    private static readonly PublicBotSettings On = new()
    {
        Mode = PublicBotMode.AutoReply,
        Keywords = ["lawyer", "data breach"],
        InfluentialFollowers = 10_000,
        VipHandles = ["MayorOfTown"],
        Priority = 1,
        ComplaintPriority = 5,
        CrisisPriority = 9,
    };

    private static PublicDecision Decide(string text, double? tone = null, PublicAuthor? author = null, bool crisis = false, bool answered = false, PublicBotSettings? settings = null) =>
        PublicRules.Decide(settings ?? On, new PublicFacts(text, tone, author, crisis, answered));

    [Fact]
    public void Each_rule_sends_to_a_human_with_its_reason_and_the_rest_gets_the_bot()
    {
        Assert.Equal((PublicRule.AutoReply, 1), (Decide("where is my parcel?").Rule, Decide("where is my parcel?").Priority));
        Assert.Equal(PublicRule.Keyword, Decide("My Lawyer is ready").Rule);
        Assert.Equal(PublicRule.Keyword, Decide("was there a DATA  breach?").Rule);
        Assert.Equal(PublicRule.AutoReply, Decide("lawyers are people too").Rule);
        Assert.Equal((PublicRule.NegativeTone, 5), (Decide("meh", tone: -0.6).Rule, Decide("meh", tone: -0.6).Priority));
        Assert.Equal(PublicRule.AutoReply, Decide("meh", tone: -0.1).Rule);
        Assert.Equal(PublicRule.InfluentialAuthor, Decide("hi", author: new PublicAuthor("star", 10_000)).Rule);
        Assert.Equal(PublicRule.AutoReply, Decide("hi", author: new PublicAuthor("star", 9_999)).Rule);
        Assert.Equal(PublicRule.VipAuthor, Decide("hi", author: new PublicAuthor("@mayoroftown", null)).Rule);
        Assert.Equal((PublicRule.Crisis, 9), (Decide("thanks", crisis: true).Rule, Decide("thanks", crisis: true).Priority));
        Assert.Equal(PublicRule.AnsweredBefore, Decide("one more thing", answered: true).Rule);
    }

    [Fact]
    public void Crisis_comes_first_a_complaint_keeps_its_priority_under_another_rule_and_off_still_routes()
    {
        Assert.Equal(PublicRule.Crisis, Decide("my lawyer", tone: -0.9, crisis: true).Rule);
        Assert.Equal((PublicRule.Keyword, 5), (Decide("my lawyer", tone: -0.9).Rule, Decide("my lawyer", tone: -0.9).Priority));
        var off = On with { Mode = PublicBotMode.Off };
        Assert.Equal((PublicRule.BotOff, "public"), (Decide("hello", settings: off).Rule, Decide("hello", settings: off).ReportingDetail));
        Assert.Equal((PublicRule.NegativeTone, 5), (Decide("bad", tone: -0.5, settings: off).Rule, Decide("bad", tone: -0.5, settings: off).Priority));
        Assert.Equal(PublicRule.BotOff, Decide("again", answered: true, settings: off).Rule);
        Assert.Equal(PublicRule.AutoReply, Decide("meh", tone: -0.9, settings: On with { NegativeToneBelow = null }).Rule);
    }

    [Fact]
    public void Settings_explain_what_cannot_be_saved()
    {
        Assert.Null(On.Problem());
        Assert.NotNull((On with { PublicAnswer = "" }).Problem());
        Assert.NotNull((On with { Keywords = [" "] }).Problem());
        Assert.NotNull((On with { CrisisPriority = 11 }).Problem());
        Assert.NotNull((On with { NegativeToneBelow = -2 }).Problem());
        Assert.NotNull((On with { InfluentialFollowers = 0 }).Problem());
    }
}
