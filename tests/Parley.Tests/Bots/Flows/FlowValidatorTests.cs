using Parley.Bots.Flows;
using Parley.Bots.Templates;
using Parley.Channels;
using Parley.Hosting;

namespace Parley.Tests.Bots.Flows;

public sealed class FlowValidatorTests
{
    private static readonly FlowValidator Validator = new(new FlowTemplates(TimeProvider.System));

    private static List<string> Errors(FlowDocument flow, IReadOnlySet<string>? queues = null) =>
        Validator.Validate(flow, queues: queues).Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.ToString()).ToList();

    [Fact]
    public void The_demo_flow_is_valid_against_the_demo_queues()
    {
        Assert.Empty(Errors(FlowYaml.Read(DemoFlowFile.Yaml), new HashSet<string> { "Parcels", "Bank", "Mobile" }));
    }

    [Fact]
    public void Missing_and_unreachable_steps_unknown_variables_and_queues_are_errors()
    {
        var flow = FlowYaml.Read(DemoFlowFile.Yaml);
        flow.Step("parcel_status")!.Next = "anything_elze";
        flow.Step("parcel_unknown")!.Text = "Not found: {{ vars.parcl }}";
        flow.Step("ask_parcel")!.SaveAs = "number";
        flow.Steps.Add(new FlowStep { Id = "orphan", Type = StepKind.Message, Text = "never" });

        var errors = Errors(flow, new HashSet<string> { "Parcels", "Bank" });

        Assert.Contains("error [parcel_status]: next goes to 'anything_elze', which does not exist.", errors);
        Assert.Contains("error [orphan]: No path from the start reaches this step.", errors);
        Assert.Contains("error [ask_parcel]: save_as names 'number', which is not one of the flow's variables.", errors);
        Assert.Contains("error [to_mobile]: There is no queue called 'Mobile' in this account.", errors);
        Assert.Contains(errors, e => e.StartsWith("error [parcel_unknown]: text:", StringComparison.Ordinal) && e.Contains("vars.parcl", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_step_kind_is_checked_for_what_it_needs()
    {
        var flow = FlowYaml.Read("""
            name: needs
            start: a
            steps:
            - { id: a, type: ask, expect: regex, pattern: "([", next: b }
            - { id: b, type: understand, next: c }
            - { id: c, type: api, api: { method: FETCH, url: "ftp://x", timeout_seconds: 60 }, on_success: d }
            - { id: d, type: set, set: { nope: "1" }, next: e }
            - { id: e, type: goto }
            """);

        var errors = Errors(flow);

        Assert.Contains("error [a]: An ask step needs a question (text).", errors);
        Assert.Contains("error [a]: The pattern '([' is not a valid regular expression.", errors);
        Assert.Contains("error [b]: An understand step needs at least one intent route.", errors);
        Assert.Contains("error [c]: The method FETCH is not one of GET, POST, PUT, PATCH, DELETE.", errors);
        Assert.Contains("error [c]: The API's URL starts with https:// (or http:// for a local server, or / for a path on this server).", errors);
        Assert.Contains("error [c]: The API timeout is between 0 and 30 seconds.", errors);
        Assert.Contains("error [d]: It sets 'nope', which is not one of the flow's variables.", errors);
        Assert.Contains("error [e]: A goto step names the flow it goes to.", errors);
    }

    [Fact]
    public void Intents_and_rules_that_cannot_work_are_errors()
    {
        var flow = FlowYaml.Read(DemoFlowFile.Yaml);
        flow.Intents["lonely"] = new() { ["de"] = ["hallo"] };
        flow.Handoff.Rules.Add(new HandoffRule { When = HandoffTrigger.Keywords });
        flow.Handoff.Rules.Add(new HandoffRule { When = HandoffTrigger.Intents, Intents = ["complain"] });

        var errors = Errors(flow);

        Assert.Contains("error: Intent lonely: 'de' is not a language the bot understands (en, fr, it).", errors);
        Assert.Contains("error: Intent lonely needs at least two example phrases.", errors);
        Assert.Contains("error: Handoff rule Keywords lists no keywords.", errors);
        Assert.Contains("error: Handoff rule Intents names intents the flow does not define: complain.", errors);
    }

    [Fact]
    public void Channel_limits_are_warnings_for_the_channels_the_flow_serves()
    {
        var flow = FlowYaml.Read(DemoFlowFile.Yaml);
        var topic = flow.Step("topic")!;
        topic.Style = OptionsStyle.QuickReplies;
        topic.Options[0].Title = "Parcels, letters and registered mail";

        var whatsApp = Validator.Validate(flow, [ChannelKind.WhatsApp]).Select(p => p.ToString()).ToList();
        var web = Validator.Validate(flow, [ChannelKind.WebMessaging]);

        Assert.Contains("warning [topic]: WhatsApp: the option 'Parcels, letters and registered mail' is cut at 20 characters.", whatsApp);
        Assert.DoesNotContain(web, p => p.Severity == ProblemSeverity.Warning);
        topic.Options.AddRange(Enumerable.Range(1, 2).Select(i => new FlowOption { Title = $"More {i}" }));
        Assert.Contains("warning [topic]: WhatsApp: 5 options are more than the 3 it shows; they are sent as numbered lines.",
            Validator.Validate(flow, [ChannelKind.WhatsApp]).Select(p => p.ToString()));
    }

    [Fact]
    public void Yaml_round_trips_and_refuses_unknown_fields_with_their_line()
    {
        var flow = FlowYaml.Read(DemoFlowFile.Yaml);
        var written = FlowYaml.Write(flow);

        Assert.Equal(written, FlowYaml.Write(FlowYaml.Read(written)));
        Assert.Equal(flow.Steps.Select(s => (s.Id, s.Type, s.Next)), FlowYaml.Read(written).Steps.Select(s => (s.Id, s.Type, s.Next)));
        Assert.Contains("type: api", written, StringComparison.Ordinal);
        Assert.DoesNotContain("retries: 2", written.Split("- id: track")[0].Split("- id: topic")[0], StringComparison.Ordinal);

        var bad = Assert.Throws<FlowYamlException>(() => FlowYaml.Read("name: x\nstart: a\nsteps:\n- id: a\n  typo: message\n"));
        Assert.StartsWith("Line 5, column 3:", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_flows_validate_command_prints_problems_and_exits_by_them()
    {
        var dir = Directory.CreateTempSubdirectory("parley-flows-");
        try
        {
            var bad = Path.Combine(dir.FullName, "bad.yaml");
            await File.WriteAllTextAsync(bad, "name: bad\nstart: nowhere\nsteps:\n- { id: a, type: message, text: hi }\n");

            var (code, output, _) = await RunAsync("flows", "validate", DemoFlowFile.Path);
            Assert.Equal(0, code);
            Assert.Equal($"{DemoFlowFile.Path}: valid (13 steps, 4 intents)", output.Split('\n')[0].TrimEnd());

            (code, output, _) = await RunAsync("flows", "validate", bad);
            Assert.Equal(1, code);
            Assert.Contains("error: The start step 'nowhere' does not exist.", output, StringComparison.Ordinal);
            Assert.Contains("error [a]: No path from the start reaches this step.", output, StringComparison.Ordinal);

            var (missing, _, error) = await RunAsync("flows", "validate", Path.Combine(dir.FullName, "none.yaml"));
            Assert.Equal(2, missing);
            Assert.Contains("none.yaml", error, StringComparison.Ordinal);
            Assert.Equal(2, (await RunAsync("flows", "check")).Code);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ParleyCommands.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
