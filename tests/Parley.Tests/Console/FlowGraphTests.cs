using Parley.Bots.Flows;
using Parley.Console.Flows;
using Parley.Demo;

namespace Parley.Tests.Console;

public sealed class FlowGraphTests
{
    [Fact]
    public void Steps_are_laid_out_in_layers_from_the_start_with_labelled_arrows_and_unreachable_steps_apart()
    {
        var flow = FlowYaml.Read(DemoFlow.Yaml);
        flow.Steps.Add(new FlowStep { Id = "orphan", Type = StepKind.Resolve, Text = "Nobody comes here" });
        var problems = new[] { new FlowProblem(ProblemSeverity.Error, "orphan", "No path from the start reaches this step.") };

        var graph = FlowGraph.Build(flow, problems);

        GraphNode Node(string id) => graph.Nodes.Single(n => n.Id == id);
        Assert.Equal(flow.Steps.Count, graph.Nodes.Count);
        Assert.True(Node("welcome").Y < Node("topic").Y);
        Assert.True(Node("topic").Y < Node("ask_parcel").Y);
        Assert.Equal(Node("ask_parcel").Y, Node("to_bank").Y);
        Assert.True(Node("track").Y < Node("parcel_status").Y);

        var orphan = Node("orphan");
        Assert.False(orphan.Reachable);
        Assert.Equal(ProblemSeverity.Error, orphan.Problem);
        Assert.True(orphan.Y > graph.ApartTop && graph.Nodes.Where(n => n.Reachable).All(n => n.Y < graph.ApartTop));
        Assert.Null(Node("welcome").Problem);

        // An option and an intent that lead to the same step are one arrow with both names.
        string Label(string from, string to) => graph.Edges.Single(e => e.From == from && e.To == to).Label;
        Assert.Equal("Parcels, track_parcel", Label("topic", "ask_parcel"));
        Assert.Equal("success", Label("track", "parcel_status"));
        Assert.Equal("not found", Label("track", "parcel_unknown"));
        Assert.Equal("failure", Label("track", "api_down"));
        Assert.Equal("fallback", Label("ask_parcel", "to_parcels"));
        Assert.Equal(string.Empty, Label("welcome", "topic"));
        Assert.StartsWith("Hello{% if contact", Node("welcome").Summary, StringComparison.Ordinal);
        Assert.EndsWith("…", Node("welcome").Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_a_step_leaves_no_link_to_it()
    {
        var flow = FlowYaml.Read(DemoFlow.Yaml);

        FlowLinks.Delete(flow, "ask_parcel");

        Assert.Null(flow.Step("ask_parcel"));
        Assert.DoesNotContain(flow.Steps.SelectMany(FlowLinks.Of), l => l.Target == "ask_parcel");
        Assert.Null(flow.Step("topic")!.Options.Single(o => o.Id == "parcels").Next);
    }

    [Fact]
    public void Renaming_a_step_moves_every_way_to_it_and_refuses_a_taken_id()
    {
        var flow = FlowYaml.Read(DemoFlow.Yaml);
        var ask = flow.Step("ask_parcel")!;

        Assert.False(FlowLinks.Rename(flow, ask, "track"));
        Assert.False(FlowLinks.Rename(flow, ask, " "));
        Assert.True(FlowLinks.Rename(flow, ask, "parcel_number"));
        Assert.True(FlowLinks.Rename(flow, flow.Step("welcome")!, "hello"));

        Assert.Equal("hello", flow.Start);
        Assert.Equal("parcel_number", flow.Step("topic")!.Options.Single(o => o.Id == "parcels").Next);
        Assert.Equal("parcel_number", flow.Step("topic")!.Routes.Single(r => r.Intent == "track_parcel").Next);
        Assert.Equal("parcel_number", flow.Step("anything_else")!.Options.Single(o => o.Id == "another").Next);
        Assert.DoesNotContain(flow.Steps.SelectMany(FlowLinks.Of), l => l.Target is "ask_parcel" or "welcome");
    }

    [Fact]
    public void Channel_hints_say_what_each_channel_does_with_too_many_options()
    {
        var step = new FlowStep { Id = "menu", Type = StepKind.Message, Text = "Pick one" };
        step.Options.AddRange(Enumerable.Range(1, 5).Select(i => new FlowOption { Title = $"Choice {i}" }));

        var hints = ChannelHints.For(step);

        Assert.Contains(hints, h => h.StartsWith("WhatsApp: ", StringComparison.Ordinal) && h.Contains("3 buttons max", StringComparison.Ordinal)
            && h.Contains("5 options will be sent as numbered lines", StringComparison.Ordinal));
        Assert.Contains(hints, h => h.StartsWith("Web chat: ", StringComparison.Ordinal) && !h.Contains("numbered", StringComparison.Ordinal));
    }
}
