using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels;

public sealed class ReplyWindowTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Each_channel_has_its_window_counted_from_the_customers_last_message()
    {
        Assert.Equal(WindowState.None, ReplyWindows.For(ChannelKind.WebMessaging, null, Now).State);
        Assert.Equal(WindowState.None, ReplyWindows.For(ChannelKind.X, Now.AddDays(-30), Now).State);

        var open = ReplyWindows.For(ChannelKind.Messenger, Now.AddHours(-20), Now);
        Assert.Equal((WindowState.Open, Now.AddHours(4)), (open.State, open.ClosesAt));
        Assert.Equal("4 h 00 min left in Messenger's 24-hour window.", open.Explanation);
        Assert.Equal(WindowState.HumanAgentOnly, ReplyWindows.For(ChannelKind.Instagram, Now.AddDays(-2), Now).State);
        Assert.Equal(WindowState.Closed, ReplyWindows.For(ChannelKind.Messenger, Now.AddDays(-8), Now).State);
        Assert.Equal(WindowState.Open, ReplyWindows.For(ChannelKind.WhatsApp, Now.AddHours(-23), Now).State);
        var whatsApp = ReplyWindows.For(ChannelKind.WhatsApp, Now.AddHours(-25), Now);
        Assert.Equal(WindowState.TemplateOnly, whatsApp.State);
        Assert.False(whatsApp.FreeTextAllowed);
        Assert.Contains("only an approved template", whatsApp.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_whatsapps_window_only_an_approved_template_with_all_its_values_is_accepted()
    {
        await using var app = new ParleyApplication();
        var templates = new ConnectionSettings { Templates = [new MessageTemplate("parcel_update", "en", "Hello {{1}}, your parcel {{2}} is on its way.")] };
        var connection = await TestConnections.AddAsync(app, ChannelKind.WhatsApp, "106540352242777", settings: templates);
        var inbox = (await app.Service<InboxDirectory>().FindAsync(connection.InboxId, CancellationToken.None))!;
        var contact = await app.Service<ContactDirectory>().FindOrCreateAsync(inbox, "393471234567", true, null, CancellationToken.None);
        var accepted = await app.Service<ConversationEngine>().AcceptAsync(
            new InboundMessage(inbox, contact, "wamid.1", ContentType.Text, "I need a human"), CancellationToken.None);
        var sofia = await app.AdvisorAsync("sofia@parley.local");
        var actions = app.Service<ConversationActions>();
        Assert.True((await actions.TakeOverAsync(sofia, accepted.ConversationId, CancellationToken.None)).Ok);
        Assert.True((await actions.ReplyAsync(sofia, accepted.ConversationId, "Inside the window", CancellationToken.None)).Ok);

        app.Clock.Advance(TimeSpan.FromHours(25));
        var text = await actions.ReplyAsync(sofia, accepted.ConversationId, "Are you there?", CancellationToken.None);
        Assert.Contains("only an approved template", text.Error, StringComparison.Ordinal);
        var unknown = await actions.SendTemplateAsync(sofia, accepted.ConversationId, new TemplateUse("promo", "en", []), "x", CancellationToken.None);
        Assert.Contains("not an approved template", unknown.Error, StringComparison.Ordinal);
        var missing = await actions.SendTemplateAsync(sofia, accepted.ConversationId, new TemplateUse("parcel_update", "en", ["Ann"]), "x", CancellationToken.None);
        Assert.Contains("takes 2 values", missing.Error, StringComparison.Ordinal);
        var template = new TemplateUse("parcel_update", "en", ["Ann", "RR123456789IT"]);
        Assert.True((await actions.SendTemplateAsync(sofia, accepted.ConversationId, template, "Hello Ann, your parcel RR123456789IT is on its way.", CancellationToken.None)).Ok);

        var sent = await app.DbAsync(db => db.Messages.Where(m => m.ConversationId == accepted.ConversationId && m.AuthorKind == AuthorKind.Advisor).OrderBy(m => m.Seq).ToListAsync());
        Assert.Equal(["Inside the window", "Hello Ann, your parcel RR123456789IT is on its way."], sent.Select(m => m.Text));
        Assert.Equal(template.Parameters, MessagePayload.Parse(sent[1].PayloadJson)!.Template!.Parameters);
    }
}
