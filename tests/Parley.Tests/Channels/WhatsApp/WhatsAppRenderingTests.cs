using Parley.Channels.WhatsApp;
using Parley.Conversations;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppRenderingTests
{
    private static List<MessageOption> Options(int count, int titleLength = 6, string? description = null) =>
        Enumerable.Range(1, count).Select(i => new MessageOption($"id-{i}", $"{i}".PadLeft(titleLength, 'T'), description)).ToList();

    [Fact]
    public void Up_to_three_short_options_without_descriptions_are_reply_buttons()
    {
        var rendered = WhatsAppRendering.Options("Did we answer your question?", [new("yes", "Yes"), new("no", "No"), new("human", "Talk to an advisor")]);

        Assert.Equal(OptionsLayout.Buttons, rendered.Layout);
        Assert.Equal(["yes", "no", "human"], rendered.Options.Select(o => o.Id));
        Assert.Empty(rendered.Warnings);
    }

    [Theory]
    [InlineData(4, 6, null)]
    [InlineData(3, 21, null)]
    [InlineData(3, 6, "With a description")]
    [InlineData(10, 24, "With a description")]
    public void Options_that_do_not_fit_buttons_go_as_a_list(int count, int titleLength, string? description)
    {
        var rendered = WhatsAppRendering.Options("Choose a topic", Options(count, titleLength, description));

        Assert.Equal(OptionsLayout.List, rendered.Layout);
        Assert.Equal(count, rendered.Options.Count);
        Assert.Empty(rendered.Warnings);
    }

    [Fact]
    public void More_options_than_a_list_takes_go_as_numbered_text_with_a_warning()
    {
        var rendered = WhatsAppRendering.Options("Choose a topic", Options(13));

        Assert.Equal(OptionsLayout.NumberedText, rendered.Layout);
        Assert.Equal(["13 options: WhatsApp lists take at most 10; sent as numbered text."], rendered.Warnings);
        Assert.StartsWith("Choose a topic\n\n1. TTTTT1\n2. TTTTT2\n", rendered.Body, StringComparison.Ordinal);
        Assert.EndsWith("13. TTTT13\n\nReply with the number or the name.", rendered.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void A_title_longer_than_a_list_row_takes_goes_as_numbered_text_with_its_description()
    {
        var rendered = WhatsAppRendering.Options("Choose", [new("a", "Parcels", "Track a parcel"), new("b", "Registered mail and telegrams", null)]);

        Assert.Equal(OptionsLayout.NumberedText, rendered.Layout);
        Assert.Equal("Choose\n\n1. Parcels — Track a parcel\n2. Registered mail and telegrams\n\nReply with the number or the name.", rendered.Body);
        Assert.Equal(["The option 'Registered mail and telegrams' has 29 characters: WhatsApp list rows take at most 24; sent as numbered text."], rendered.Warnings);
    }

    [Fact]
    public void Options_with_the_same_id_go_as_numbered_text()
    {
        var rendered = WhatsAppRendering.Options("Choose", [new("same", "One"), new("same", "Two")]);

        Assert.Equal(OptionsLayout.NumberedText, rendered.Layout);
        Assert.Single(rendered.Warnings);
    }

    [Fact]
    public void A_long_description_is_cut_to_the_lists_limit_with_a_warning()
    {
        var description = new string('d', 80);
        var rendered = WhatsAppRendering.Options("Choose", [new("a", "Parcels", description), new("b", "Bank", "Cards")]);

        Assert.Equal(OptionsLayout.List, rendered.Layout);
        Assert.Equal(72, rendered.Options[0].Description!.Length);
        Assert.EndsWith("…", rendered.Options[0].Description, StringComparison.Ordinal);
        Assert.Equal("Cards", rendered.Options[1].Description);
        Assert.Equal(["The description of 'Parcels' has 80 characters: WhatsApp lists show at most 72; it was cut."], rendered.Warnings);
    }

    [Fact]
    public void An_empty_text_gets_a_body_interactive_messages_need()
    {
        Assert.Equal(WhatsAppRendering.DefaultBody, WhatsAppRendering.Options("", [new("a", "A")]).Body);
    }

    [Fact]
    public void Only_advisors_messages_are_signed()
    {
        Assert.Equal("On its way.\n\n— Marie", Parley.Channels.OutboundMessage.WithSignature("On its way.", AuthorKind.Advisor, "Marie"));
        Assert.Equal("On its way.", Parley.Channels.OutboundMessage.WithSignature("On its way.", AuthorKind.Bot, "Posta bot (automated)"));
        Assert.Equal("On its way.", Parley.Channels.OutboundMessage.WithSignature("On its way.", AuthorKind.Advisor, null));
    }
}
