using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels;
using Parley.Channels.Meta;
using Parley.Conversations;
using Parley.Tests.Bots;
using Parley.Tests.Bots.Flows;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Messenger;

public sealed class MetaCardsTests
{
    private static readonly MessageCard Parcel = new("Track a parcel", "Where it is", "https://example.org/parcel.png", "https://example.org/track",
        [new CardButton("Track it", "track"), new CardButton("How it works", Url: "https://example.org/help")]);

    [Fact]
    public void Cards_are_a_generic_template_of_elements_with_postback_and_web_url_buttons()
    {
        var template = MetaCards.Template([Parcel, new MessageCard("Open an account", Buttons: [new CardButton("Open one", "open-one")])], out var problem);

        Assert.Null(problem);
        Assert.Equal(
            """{"type":"template","payload":{"template_type":"generic","elements":[""" +
            """{"title":"Track a parcel","subtitle":"Where it is","image_url":"https://example.org/parcel.png","default_action":{"type":"web_url","url":"https://example.org/track"}""" +
            ""","buttons":[{"type":"postback","title":"Track it","payload":"track"},{"type":"web_url","url":"https://example.org/help","title":"How it works"}]},""" +
            """{"title":"Open an account","buttons":[{"type":"postback","title":"Open one","payload":"open-one"}]}]}}""",
            template!.ToJsonString());
    }

    [Fact]
    public void Long_texts_are_cut_links_that_are_not_web_links_dropped_and_what_no_template_holds_refused()
    {
        var card = new MessageCard(new string('t', 90), new string('s', 81), "javascript:alert(1)", Buttons: [new CardButton("A button title of thirty", "b")]);

        var element = MetaCards.Template([card], out _)!["payload"]!["elements"]![0]!.AsObject();

        Assert.Equal(80, ((string)element["title"]!).Length);
        Assert.EndsWith("…", (string)element["subtitle"]!, StringComparison.Ordinal);
        Assert.False(element.ContainsKey("image_url"));
        Assert.Equal("A button title of t…", (string?)element["buttons"]![0]!["title"]);

        Assert.Null(MetaCards.Template(Enumerable.Range(1, 11).Select(i => new MessageCard($"C{i}", "s")).ToList(), out var tooMany));
        Assert.Equal("11 cards: a generic template takes at most 10", tooMany);
        Assert.Null(MetaCards.Template([new MessageCard("Only a title")], out var bare));
        Assert.StartsWith("The card 'Only a title' has only a title", bare, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChannelKind.Messenger)]
    [InlineData(ChannelKind.Instagram)]
    public async Task A_flows_cards_go_as_a_generic_template_after_their_text_and_a_postback_branches_the_flow(ChannelKind kind)
    {
        await using var world = await MetaWorld.StartAsync(kind);
        var manager = await ConsoleLogin.SignedInAsync(world.App, "chiara@parley.local");
        await FlowsApiTests.PublishAsync(manager, FlowCardsTests.Yaml, "Services");

        Assert.Equal(HttpStatusCode.OK, (await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")))).StatusCode);
        await world.UntilSentAsync(2, "the text and the cards");

        Assert.StartsWith("What can I do for you", world.Sent[0].GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
        var message = world.Sent[1].GetProperty("message");
        Assert.False(message.TryGetProperty("text", out _));
        Assert.StartsWith("parley:", message.GetProperty("metadata").GetString(), StringComparison.Ordinal);
        var payload = message.GetProperty("attachment").GetProperty("payload");
        Assert.Equal("template", message.GetProperty("attachment").GetProperty("type").GetString());
        Assert.Equal("generic", payload.GetProperty("template_type").GetString());
        Assert.Equal(["Track a parcel", "Open an account"], payload.GetProperty("elements").EnumerateArray().Select(e => e.GetProperty("title").GetString()));
        Assert.StartsWith("Where it is,", payload.GetProperty("elements")[0].GetProperty("subtitle").GetString(), StringComparison.Ordinal);
        Assert.Equal(["postback:track", "web_url:https://example.org/help"], payload.GetProperty("elements")[0].GetProperty("buttons").EnumerateArray()
            .Select(b => b.GetProperty("type").GetString() + ":" + (b.TryGetProperty("payload", out var p) ? p.GetString() : b.GetProperty("url").GetString())));

        var postback = world.Event("psid-ann", new JsonObject { ["postback"] = new JsonObject { ["mid"] = "mid.2", ["title"] = "Track it", ["payload"] = "track" } });
        await world.PostAsync(world.Body(postback));
        await world.UntilSentAsync(3, "the flow's answer to the postback");

        Assert.Equal("Tracking it is.", world.Sent[2].GetProperty("message").GetProperty("text").GetString());
        var conversation = await world.ConversationOfAsync("psid-ann");
        var stored = await world.MessagesAsync(conversation.Id);
        Assert.Equal(ConversationStatus.Resolved, (await world.ConversationOfAsync("psid-ann")).Status);
        var cards = Assert.Single(stored, m => m.ContentType == ContentType.Cards);
        Assert.Equal(2, MessagePayload.Parse(cards.PayloadJson)!.Cards!.Count);
        Assert.Equal("track", stored.Single(m => m.AuthorKind == AuthorKind.Customer && m.ReplyTo is not null).ReplyTo);
    }
}
