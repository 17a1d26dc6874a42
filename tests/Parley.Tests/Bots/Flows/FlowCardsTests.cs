using System.Text.Json.Nodes;
using Parley.Bots.Flows;
using Parley.Bots.Templates;
using Parley.Channels;

namespace Parley.Tests.Bots.Flows;

public sealed class FlowCardsTests
{
    private static readonly FlowTemplates Templates = new(TimeProvider.System);
    private static readonly FlowRunner Runner = new(Templates);
    private static readonly FlowValidator Validator = new(Templates);
    private static readonly FlowContext Context = new(new JsonObject { ["first_name"] = "Alice", ["attributes"] = new JsonObject() }, new JsonObject { ["channel"] = "whatsapp" }, true);

    internal const string Yaml = """
        name: Services
        start: services
        variables: [parcel_number]
        steps:
        - id: services
          type: message
          text: What can I do for you, {{ contact.first_name }}?
          cards:
          - title: Track a parcel
            subtitle: Where it is, {{ contact.first_name }}
            image_url: https://example.org/parcel.png
            url: https://example.org/track
            buttons:
            - id: track
              title: Track it
              next: tracking
            - title: How it works
              url: https://example.org/help
          - title: Open an account
            buttons:
            - title: Open one
              next: account
        - id: tracking
          type: resolve
          text: Tracking it is.
        - id: account
          type: handoff
          text: An advisor opens it with you.
        """;

    private static CustomerInput Picks(string id) => new(null, id, new MessageInsight());

    private static CustomerInput Says(string text) => new(text, null, new MessageInsight());

    [Fact]
    public void Cards_survive_a_yaml_round_trip_in_snake_case()
    {
        var flow = FlowYaml.Read(Yaml);
        var written = FlowYaml.Write(flow);

        Assert.Equal(written, FlowYaml.Write(FlowYaml.Read(written)));
        Assert.Contains("image_url: https://example.org/parcel.png", written, StringComparison.Ordinal);
        Assert.DoesNotContain("is_link", written, StringComparison.Ordinal);
        Assert.DoesNotContain("key:", written, StringComparison.Ordinal);
        var card = FlowYaml.Read(written).Step("services")!.Cards[0];
        Assert.Equal(("Track a parcel", "Where it is, {{ contact.first_name }}", "https://example.org/track"), (card.Title, card.Subtitle, card.Url));
        Assert.Equal([("track", null, "tracking"), (null, "https://example.org/help", null)], card.Buttons.Select(b => (b.Id, b.Url, b.Next)));
    }

    [Fact]
    public void A_cards_message_renders_its_templates_and_waits_for_a_choice()
    {
        var turn = Runner.Start(FlowYaml.Read(Yaml), 1, Context);

        var message = Assert.Single(turn.Messages);
        Assert.Equal("What can I do for you, Alice?", message.Text);
        Assert.Equal(["Track a parcel", "Open an account"], message.Cards!.Select(c => c.Title));
        Assert.Equal("Where it is, Alice", message.Cards![0].Subtitle);
        Assert.Equal(["track", null, "open-one"], message.Cards.SelectMany(c => c.Buttons).Select(b => b.Id));
        Assert.IsType<FlowAction.Wait>(turn.Action);
        Assert.Equal("services", turn.State.At);
    }

    [Theory]
    [InlineData("track", null, "tracking")]
    [InlineData("open-one", null, "account")]
    [InlineData(null, "2", "account")]
    [InlineData(null, "track it", "tracking")]
    public void A_card_buttons_choice_branches_the_flow_as_a_quick_reply_does(string? replyTo, string? text, string step)
    {
        var flow = FlowYaml.Read(Yaml);
        var waiting = Runner.Start(flow, 1, Context).State;

        var turn = Runner.OnCustomerMessage(flow, waiting, new CustomerInput(text, replyTo, new MessageInsight()), Context);

        Assert.Contains(turn.Events, e => e.Kind == FlowEventKind.StepVisited && e.StepId == step);
    }

    [Fact]
    public void A_link_button_is_no_choice_and_a_wrong_answer_gets_the_cards_again()
    {
        var flow = FlowYaml.Read(Yaml);
        var waiting = Runner.Start(flow, 1, Context).State;

        var turn = Runner.OnCustomerMessage(flow, waiting, Says("How it works"), Context);

        Assert.Equal("services", turn.State.At);
        var again = Assert.Single(turn.Messages);
        Assert.Equal("Sorry, I didn't get that. Please choose one of these:", again.Text);
        Assert.Equal(2, again.Cards!.Count);
        Assert.Equal(FlowEventKind.Misunderstood, turn.Events[^1].Kind);
        Assert.Null(Runner.OnCustomerMessage(flow, waiting, Picks("how-it-works"), Context).Events.FirstOrDefault(e => e.StepId == "tracking"));
    }

    private static List<string> Problems(string yaml, params ChannelKind[] channels) =>
        Validator.Validate(FlowYaml.Read(yaml), channels.Length == 0 ? null : channels).Select(p => p.ToString()).ToList();

    [Fact]
    public void The_example_is_valid_and_cards_without_title_with_bad_links_or_shared_ids_are_errors()
    {
        Assert.DoesNotContain(Problems(Yaml), p => p.StartsWith("error", StringComparison.Ordinal));

        var flow = FlowYaml.Read(Yaml);
        var step = flow.Step("services")!;
        step.Cards[0].ImageUrl = "javascript:alert(1)";
        step.Cards[0].Url = "ftp://example.org/track";
        step.Cards[0].Buttons[1].Url = "example.org/help";
        step.Cards[1].Title = " ";
        step.Cards[1].Buttons[0].Id = "track";
        step.Cards.Add(new FlowCard { Title = "Templated", Url = "https://example.org/p/{{ vars.parcel_number }}", ImageUrl = "{{ vars.parcel_number }}" });
        var errors = Validator.Validate(flow).Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.ToString()).ToList();

        Assert.Equal(
            [
                "error [services]: The card 'Track a parcel': the image_url 'javascript:alert(1)' is not a web link (https://...).",
                "error [services]: The card 'Track a parcel': the url 'ftp://example.org/track' is not a web link (https://...).",
                "error [services]: The card 'Track a parcel': the button 'How it works' url 'example.org/help' is not a web link (https://...).",
                "error [services]: Card 2 has no title.",
                "error [services]: Two card buttons have the id 'track': give each its own id.",
            ],
            errors);
    }

    [Fact]
    public void Cards_belong_to_message_steps_without_options_or_image()
    {
        var flow = FlowYaml.Read(Yaml);
        flow.Step("services")!.Options.Add(new FlowOption { Title = "Other" });
        flow.Step("services")!.ImageUrl = "https://example.org/a.png";
        flow.Step("account")!.Cards.Add(new FlowCard { Title = "Nope" });

        var errors = Validator.Validate(flow).Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.ToString()).ToList();

        Assert.Contains("error [services]: A message sends options or cards, not both: put the choices on the cards' buttons.", errors);
        Assert.Contains("error [services]: A message sends an image or cards, not both: give the cards their images.", errors);
        Assert.Contains("error [account]: Only message steps send cards.", errors);
    }

    [Fact]
    public void Each_channel_warns_past_its_card_limits()
    {
        var flow = FlowYaml.Read(Yaml);
        var step = flow.Step("services")!;
        step.Cards[0].Title = new string('t', 90);
        step.Cards[0].Buttons.Add(new FlowCardButton { Id = "b3", Title = "Third" });
        step.Cards[0].Buttons.Add(new FlowCardButton { Id = "b4", Title = "A button title of thirty" });

        var warnings = Validator.Validate(flow).Where(p => p.Severity == ProblemSeverity.Warning).Select(p => p.ToString()).ToList();

        var title = new string('t', 90);
        Assert.Contains($"warning [services]: Messenger: the card '{title}' has 4 buttons, more than the 3 it shows; the cards are sent as numbered text.", warnings);
        Assert.Contains($"warning [services]: Instagram: the card title '{title}' is cut at 80 characters.", warnings);
        Assert.Contains("warning [services]: Messenger: the button 'A button title of thirty' is longer than the 20 characters a button shows.", warnings);
        Assert.Contains($"warning [services]: WhatsApp: the card title '{title}' is cut at 24 characters.", warnings);
        Assert.DoesNotContain(warnings, w => w.Contains("WhatsApp: the card", StringComparison.Ordinal) && w.Contains("buttons", StringComparison.Ordinal));
        Assert.Contains("warning [services]: X: no cards: text: each card's title, subtitle and links, its choices numbered (no images).", warnings);
        Assert.Contains($"warning [services]: WebMessaging: the card title '{title}' is cut at 80 characters.", warnings);

        step.Cards.AddRange(Enumerable.Range(1, 10).Select(i => new FlowCard { Title = $"More {i}", Subtitle = "s" }));
        Assert.Contains("warning [services]: Messenger: 12 cards are more than the 10 it shows; they are sent as numbered text.",
            Validator.Validate(flow, [ChannelKind.Messenger]).Select(p => p.ToString()));
    }
}
