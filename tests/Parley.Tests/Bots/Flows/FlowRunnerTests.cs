using System.Text.Json.Nodes;
using Parley.Bots.Flows;
using Parley.Bots.Templates;

namespace Parley.Tests.Bots.Flows;

public sealed class FlowRunnerTests
{
    private static readonly FlowRunner Runner = new(new FlowTemplates(TimeProvider.System));
    private static readonly FlowContext Context = new(new JsonObject { ["first_name"] = "Alice", ["attributes"] = new JsonObject() }, new JsonObject { ["channel"] = "whatsapp" }, true);

    private static FlowDocument Demo() => FlowYaml.Read(DemoFlowFile.Yaml);

    private static CustomerInput Says(string text, string? intent = null, double confidence = 0.9, bool human = false, double sentiment = 0, params FoundEntity[] entities) =>
        new(text, null, new MessageInsight(intent, intent is null ? 0 : confidence, "en", sentiment, human, entities));

    private static CustomerInput Picks(string id) => new(null, id, new MessageInsight());

    [Fact]
    public void The_start_greets_with_templates_and_waits_at_the_first_question()
    {
        var turn = Runner.Start(Demo(), 7, Context);

        Assert.Equal(2, turn.Messages.Count);
        Assert.StartsWith("Hello Alice! I'm the La Posta virtual assistant.", turn.Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal(["parcels", "bank", "mobile"], turn.Messages[1].Options!.Select(o => o.Key));
        Assert.Equal(OptionsStyle.List, turn.Messages[1].Style);
        Assert.IsType<FlowAction.Wait>(turn.Action);
        Assert.Equal(("topic", 7L), (turn.State.At, turn.State.VersionId));
        Assert.Equal(["welcome", "topic"], turn.Events.Where(e => e.Kind == FlowEventKind.StepVisited).Select(e => e.StepId));
    }

    [Fact]
    public void A_choice_a_number_or_an_intent_leads_on_and_a_parcel_number_calls_the_api()
    {
        var flow = Demo();
        var waiting = Runner.Start(flow, 1, Context).State;

        foreach (var input in new[] { Picks("parcels"), Says("1"), Says("parcels"), Says("mon colis est bloqué", "track_parcel") })
        {
            var turn = Runner.OnCustomerMessage(flow, waiting, input, Context);
            Assert.Equal("ask_parcel", turn.State.At);
            Assert.Contains("parcel number", turn.Messages.Single().Text, StringComparison.Ordinal);
        }

        var asked = Runner.OnCustomerMessage(flow, waiting, Picks("parcels"), Context).State;
        var calling = Runner.OnCustomerMessage(flow, asked, Says("it's RR123456785IT", entities: new FoundEntity("parcel_number", "RR123456785IT")), Context);

        var call = Assert.IsType<FlowAction.CallApi>(calling.Action);
        Assert.Equal("track", call.StepId);
        Assert.True(calling.State.CallingApi);
        Assert.Equal("RR123456785IT", calling.State.Vars["parcel_number"]!.GetValue<string>());
        Assert.Equal("RR123456785IT", call.Model["vars"]!["parcel_number"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(ApiAnswerOutcome.Success, "Parcel RR123456785IT: In transit, Bologna sorting centre.")]
    [InlineData(ApiAnswerOutcome.NotFound, "I can't find parcel RR123456785IT. Please check the number on your receipt.")]
    public void The_api_answer_takes_its_branch_with_the_extracted_values(ApiAnswerOutcome outcome, string said)
    {
        var flow = Demo();
        var state = new FlowState { VersionId = 1, At = "track", CallingApi = true, Vars = new JsonObject { ["parcel_number"] = "RR123456785IT" } };
        var parcel = new JsonObject { ["number"] = "RR123456785IT", ["label"] = "In transit", ["location"] = "Bologna sorting centre" };

        var turn = Runner.OnApiResult(flow, state, new ApiAnswer(outcome, outcome == ApiAnswerOutcome.Success ? new Dictionary<string, JsonNode?> { ["parcel"] = parcel } : new Dictionary<string, JsonNode?>()), Context);

        Assert.Equal(said, turn.Messages[0].Text);
        Assert.Equal("anything_else", turn.State.At);
        Assert.False(turn.State.CallingApi);
        Assert.Contains(turn.Events, e => e.Kind == (outcome == ApiAnswerOutcome.Success ? FlowEventKind.ApiSucceeded : FlowEventKind.ApiNotFound));
    }

    [Fact]
    public void A_failed_api_call_goes_to_its_failure_branch_and_without_one_hands_over_with_the_reason()
    {
        var flow = Demo();
        var state = new FlowState { VersionId = 1, At = "track", CallingApi = true };
        var failed = new ApiAnswer(ApiAnswerOutcome.Failure, new Dictionary<string, JsonNode?>(), "timed out after 5 s");

        var turn = Runner.OnApiResult(flow, state, failed, Context);
        var handoff = Assert.IsType<FlowAction.Handoff>(turn.Action);
        Assert.Equal("The tracking service did not answer.", handoff.Reason);
        Assert.Equal("I can't reach the tracking service right now.", turn.Messages.Single().Text);

        flow.Step("track")!.OnFailure = null;
        handoff = Assert.IsType<FlowAction.Handoff>(Runner.OnApiResult(flow, state, failed, Context).Action);
        Assert.Equal("The track API call failed (timed out after 5 s).", handoff.Reason);
        Assert.Equal("Parcels", handoff.Queue);
        Assert.Null(Runner.OnApiResult(flow, state, failed, Context).State.At);
    }

    [Fact]
    public void A_wrong_answer_is_asked_again_then_goes_to_the_fallback()
    {
        var flow = Demo();
        var state = new FlowState { VersionId = 1, At = "ask_parcel" };

        for (var retried = 1; retried <= 2; retried++)
        {
            var turn = Runner.OnCustomerMessage(flow, state, Says("I don't know"), Context);
            Assert.Equal(("ask_parcel", retried), (turn.State.At, turn.State.Retried));
            Assert.StartsWith("That doesn't look like a parcel number.", turn.Messages.Single().Text, StringComparison.Ordinal);
            Assert.Contains(turn.Events, e => e.Kind == FlowEventKind.Misunderstood && e.Detail == "I don't know");
            state = turn.State;
        }

        // The flow's rule (3 in a row) goes before the step's own fallback; without the rule, the fallback.
        var third = Runner.OnCustomerMessage(flow, state, Says("no idea"), Context);
        Assert.Equal("3 messages in a row not understood.", Assert.IsType<FlowAction.Handoff>(third.Action).Reason);
        flow.Handoff.Rules.RemoveAll(r => r.When == HandoffTrigger.Misunderstandings);
        var fallback = Runner.OnCustomerMessage(flow, state, Says("no idea"), Context);
        Assert.Equal("The customer chose an advisor for parcels.", Assert.IsType<FlowAction.Handoff>(fallback.Action).Reason);
    }

    [Theory]
    [InlineData("human", "The customer asked for a human.")]
    [InlineData("sentiment", "Negative sentiment (-0.80).")]
    [InlineData("vip", "The contact is vip.")]
    [InlineData("misunderstood", "3 messages in a row not understood.")]
    public void Each_handoff_rule_fires_with_its_reason(string trigger, string reason)
    {
        var flow = Demo();
        var context = trigger == "vip" ? Context with { Contact = new JsonObject { ["attributes"] = new JsonObject { ["vip"] = true } } } : Context;
        var state = new FlowState { VersionId = 1, At = "topic", MisunderstoodInRow = trigger == "misunderstood" ? 2 : 0 };
        var input = trigger switch
        {
            "human" => Says("je veux parler à un conseiller", human: true),
            "sentiment" => Says("this is a disgrace", sentiment: -0.8),
            _ => Says("blah"),
        };

        var turn = Runner.OnCustomerMessage(flow, state, input, context);

        var handoff = Assert.IsType<FlowAction.Handoff>(turn.Action);
        Assert.Equal(reason, handoff.Reason);
        Assert.Equal(trigger == "vip" ? 1 : 0, handoff.Priority);
        Assert.Contains(turn.Events, e => e.Kind == FlowEventKind.HandedOff && e.Detail == reason);
        Assert.Null(turn.State.At);
    }

    [Fact]
    public void Keyword_and_intent_rules_fire_and_an_unsure_intent_does_not()
    {
        var flow = Demo();
        flow.Handoff.Rules.Add(new HandoffRule { When = HandoffTrigger.Keywords, Keywords = ["fraud"], Queue = "Bank", Reason = "Possible fraud." });
        flow.Handoff.Rules.Add(new HandoffRule { When = HandoffTrigger.Intents, Intents = ["mobile"] });
        var state = new FlowState { VersionId = 1, At = "topic" };

        var fraud = Assert.IsType<FlowAction.Handoff>(Runner.OnCustomerMessage(flow, state, Says("I think this is FRAUD"), Context).Action);
        Assert.Equal(("Bank", "Possible fraud."), (fraud.Queue, fraud.Reason));
        Assert.Equal("The customer's intent is mobile.", Assert.IsType<FlowAction.Handoff>(Runner.OnCustomerMessage(flow, state, Says("sim", "mobile"), Context).Action).Reason);
        Assert.IsType<FlowAction.Wait>(Runner.OnCustomerMessage(flow, state, Says("sim", "mobile", confidence: 0.3), Context).Action);
    }

    [Fact]
    public void Conditions_set_variables_and_resolve()
    {
        var flow = FlowYaml.Read("""
            name: conditions
            start: set
            variables: [tier]
            steps:
            - id: set
              type: set
              set: { tier: "{% if contact.first_name == 'Alice' %}gold{% else %}basic{% endif %}" }
              next: check
            - id: check
              type: condition
              branches:
              - when: vars.tier == "gold"
                next: gold
              otherwise: basic
            - id: gold
              type: resolve
              text: Gold service for {{ contact.first_name }}.
            - id: basic
              type: resolve
              text: Basic service.
            """);

        var alice = Runner.Start(flow, 1, Context);
        var bob = Runner.Start(flow, 1, Context with { Contact = new JsonObject { ["first_name"] = "Bob" } });

        Assert.Equal("Gold service for Alice.", alice.Messages.Single().Text);
        Assert.IsType<FlowAction.Resolve>(alice.Action);
        Assert.Equal("Basic service.", bob.Messages.Single().Text);
        Assert.Contains(alice.Events, e => e.Kind == FlowEventKind.Resolved);
    }

    [Fact]
    public void A_flow_that_loops_without_waiting_stops_and_hands_over()
    {
        var flow = FlowYaml.Read("""
            name: loop
            start: a
            steps:
            - { id: a, type: message, text: ping, next: b }
            - { id: b, type: message, text: pong, next: a }
            """);

        var turn = Runner.Start(flow, 1, Context);

        Assert.Equal(FlowRunner.MaxStepsPerTurn, turn.Messages.Count);
        Assert.Contains("without waiting", Assert.IsType<FlowAction.Handoff>(turn.Action).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ended_flow_starts_again_and_uses_the_message_at_its_first_understand_step()
    {
        var flow = FlowYaml.Read("""
            name: understand first
            start: hello
            intents:
              bank: { en: [my card, my account] }
            steps:
            - { id: hello, type: message, text: Hi again., next: what }
            - id: what
              type: understand
              text: How can I help?
              routes: [{ intent: bank, next: bank }]
              otherwise: sorry
            - { id: bank, type: handoff, reason: bank }
            - { id: sorry, type: message, text: Sorry. }
            """);

        var turn = Runner.OnCustomerMessage(flow, new FlowState { VersionId = 1 }, Says("my card is blocked", "bank"), Context);

        Assert.Equal(["Hi again."], turn.Messages.Select(m => m.Text));
        Assert.Equal("bank", Assert.IsType<FlowAction.Handoff>(turn.Action).Reason);

        var other = Runner.OnCustomerMessage(flow, new FlowState { VersionId = 1 }, Says("hmm"), Context);
        Assert.Equal(["Hi again.", "Sorry."], other.Messages.Select(m => m.Text));
        Assert.Null(other.State.At);
    }

    [Fact]
    public void Goto_leaves_for_the_other_flow_and_a_message_during_a_lost_api_call_calls_again()
    {
        var flow = FlowYaml.Read("""
            name: hop
            start: go
            steps:
            - { id: go, type: goto, flow: Other }
            """);
        Assert.Equal("Other", Assert.IsType<FlowAction.Goto>(Runner.Start(flow, 1, Context).Action).Flow);

        var lost = new FlowState { VersionId = 1, At = "track", CallingApi = true, Vars = new JsonObject { ["parcel_number"] = "RR123456785IT" } };
        var again = Runner.OnCustomerMessage(Demo(), lost, Says("hello?"), Context);
        Assert.Equal("track", Assert.IsType<FlowAction.CallApi>(again.Action).StepId);
    }
}
