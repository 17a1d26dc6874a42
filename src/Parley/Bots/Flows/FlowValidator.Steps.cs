using System.Text.RegularExpressions;
using Parley.Channels;

namespace Parley.Bots.Flows;

public sealed partial class FlowValidator
{
    private void CheckStep(FlowDocument flow, FlowStep step, HashSet<string> known, IReadOnlySet<string>? queues, IReadOnlySet<string>? flows, List<FlowProblem> problems)
    {
        void Error(string message) => problems.Add(new FlowProblem(ProblemSeverity.Error, step.Id, message));

        foreach (var (field, target) in Targets(step).Where(t => flow.Step(t.Target) is null))
        {
            Error($"{field} goes to '{target}', which does not exist.");
        }

        CheckTemplate(step.Text, "text", step.Id, known, problems);
        CheckTemplate(step.RetryText, "retry_text", step.Id, known, problems);
        foreach (var option in step.Options)
        {
            CheckTemplate(option.Title, "option", step.Id, known, problems);
            if (string.IsNullOrWhiteSpace(option.Title))
            {
                Error("An option has no title.");
            }
        }

        foreach (var duplicate in step.Options.GroupBy(o => o.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            Error($"Two options have the id '{duplicate.Key}'.");
        }

        CheckCards(step, known, problems);
        if (step.SaveAs is { } saved && !flow.Variables.Contains(saved, StringComparer.Ordinal))
        {
            Error($"save_as names '{saved}', which is not one of the flow's variables.");
        }

        switch (step.Type)
        {
            case StepKind.Message when string.IsNullOrWhiteSpace(step.Text) && step.ImageUrl is null && step.Cards.Count == 0:
                Error("A message step needs a text, an image or cards.");
                break;
            case StepKind.Ask:
                if (string.IsNullOrWhiteSpace(step.Text))
                {
                    Error("An ask step needs a question (text).");
                }

                if (step.Expect == AnswerKind.Choice && step.Options.Count == 0)
                {
                    Error("A choice needs options.");
                }

                if (step.Expect == AnswerKind.Regex && !ValidPattern(step.Pattern))
                {
                    Error($"The pattern '{step.Pattern}' is not a valid regular expression.");
                }

                if (step.Retries is < 0 or > 10)
                {
                    Error("Retries are between 0 and 10.");
                }

                break;
            case StepKind.Understand when step.Routes.Count == 0:
                Error("An understand step needs at least one intent route.");
                break;
            case StepKind.Api:
                CheckApi(step, known, problems);
                break;
            case StepKind.Condition:
                if (step.Branches.Count == 0)
                {
                    Error("A condition step needs at least one branch.");
                }

                foreach (var branch in step.Branches)
                {
                    CheckTemplate("{% if " + branch.When + " %}{% endif %}", $"condition '{branch.When}'", step.Id, known, problems);
                }

                break;
            case StepKind.Set:
                if (step.Set.Count == 0)
                {
                    Error("A set step needs at least one variable.");
                }

                foreach (var (name, template) in step.Set)
                {
                    if (!flow.Variables.Contains(name, StringComparer.Ordinal))
                    {
                        Error($"It sets '{name}', which is not one of the flow's variables.");
                    }

                    CheckTemplate(template, name, step.Id, known, problems);
                }

                break;
            case StepKind.Goto when string.IsNullOrWhiteSpace(step.Flow):
                Error("A goto step names the flow it goes to.");
                break;
            case StepKind.Goto when flows is not null && !flows.Contains(step.Flow!):
                Error($"There is no flow called '{step.Flow}' in this account.");
                break;
            case StepKind.Handoff:
                var queue = step.Queue ?? flow.Handoff.Queue;
                if (queue is not null && queues is not null && !queues.Contains(queue))
                {
                    Error($"There is no queue called '{queue}' in this account.");
                }

                CheckTemplate(step.Reason, "reason", step.Id, known, problems);
                break;
        }

        foreach (var route in step.Routes.Where(r => !flow.Intents.ContainsKey(r.Intent)))
        {
            Error($"It routes on the intent '{route.Intent}', which the flow does not define.");
        }
    }

    private void CheckApi(FlowStep step, HashSet<string> known, List<FlowProblem> problems)
    {
        void Error(string message) => problems.Add(new FlowProblem(ProblemSeverity.Error, step.Id, message));
        if (step.Api is not { } api)
        {
            Error("An API step needs its call (api: method, url...).");
            return;
        }

        if (api.Method.ToUpperInvariant() is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE"))
        {
            Error($"The method {api.Method} is not one of GET, POST, PUT, PATCH, DELETE.");
        }

        var start = api.Url.TrimStart();
        if (!start.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !start.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            && !(start.StartsWith('/') && !start.StartsWith("//", StringComparison.Ordinal)))
        {
            Error("The API's URL starts with https:// (or http:// for a local server, or / for a path on this server).");
        }

        if (api.TimeoutSeconds is <= 0 or > 30)
        {
            Error("The API timeout is between 0 and 30 seconds.");
        }

        if (api.Retries is < 0 or > 5)
        {
            Error("API retries are between 0 and 5.");
        }

        var withSecrets = new HashSet<string>(known, StringComparer.Ordinal) { "secrets" };
        CheckTemplate(api.Url, "url", step.Id, known, problems);
        CheckTemplate(api.Body, "body", step.Id, known, problems);
        foreach (var (header, value) in api.Headers)
        {
            CheckTemplate(value, $"header {header}", step.Id, withSecrets, problems);
        }

        foreach (var (variable, _) in api.Extract.Where(e => !known.Contains("vars." + e.Key)))
        {
            Error($"It extracts into '{variable}', which is not one of the flow's variables.");
        }
    }

    /// <summary>Every step reference of a step, with the field that holds it.</summary>
    private static IEnumerable<(string Field, string Target)> Targets(FlowStep step)
    {
        var targets = new (string, string?)[] { ("next", step.Next), ("fallback", step.Fallback), ("otherwise", step.Otherwise),
            ("on_success", step.OnSuccess), ("on_not_found", step.OnNotFound), ("on_failure", step.OnFailure) };
        return targets.Concat(step.Options.Select(o => ($"option '{o.Title}'", o.Next)))
            .Concat(step.Cards.SelectMany(c => c.Buttons).Select(b => ($"card button '{b.Title}'", b.Next)))
            .Concat(step.Routes.Select(r => ($"the route of {r.Intent}", (string?)r.Next)))
            .Concat(step.Branches.Select(b => ($"the branch '{b.When}'", (string?)b.Next)))
            .Where(t => t.Item2 is not null)
            .Select(t => (t.Item1, t.Item2!));
    }

    private static void CheckGraph(FlowDocument flow, List<FlowProblem> problems)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>();
        next.Push(flow.Start);
        while (next.TryPop(out var id))
        {
            if (flow.Step(id) is { } step && reached.Add(id))
            {
                foreach (var (_, target) in Targets(step))
                {
                    next.Push(target);
                }
            }
        }

        foreach (var step in flow.Steps.Where(s => !reached.Contains(s.Id)))
        {
            problems.Add(new FlowProblem(ProblemSeverity.Error, step.Id, "No path from the start reaches this step."));
        }
    }

    private static void CheckIntents(FlowDocument flow, List<FlowProblem> problems)
    {
        foreach (var (intent, phrases) in flow.Intents)
        {
            foreach (var language in phrases.Keys.Where(l => !Languages.Contains(l, StringComparer.Ordinal)))
            {
                problems.Add(new FlowProblem(ProblemSeverity.Error, null, $"Intent {intent}: '{language}' is not a language the bot understands (en, fr, it)."));
            }

            if (phrases.Values.Sum(p => p.Count(t => !string.IsNullOrWhiteSpace(t))) < 2)
            {
                problems.Add(new FlowProblem(ProblemSeverity.Error, null, $"Intent {intent} needs at least two example phrases."));
            }
        }
    }

    private static void CheckRules(FlowDocument flow, IReadOnlySet<string>? queues, List<FlowProblem> problems)
    {
        void Error(string message) => problems.Add(new FlowProblem(ProblemSeverity.Error, null, message));
        if (flow.Handoff.Queue is { } queue && queues is not null && !queues.Contains(queue))
        {
            Error($"There is no queue called '{queue}' in this account.");
        }

        foreach (var rule in flow.Handoff.Rules)
        {
            var name = rule.When.ToString();
            switch (rule.When)
            {
                case HandoffTrigger.Keywords when rule.Keywords.All(string.IsNullOrWhiteSpace):
                    Error($"Handoff rule {name} lists no keywords.");
                    break;
                case HandoffTrigger.Intents when rule.Intents.Count == 0 || rule.Intents.Any(i => !flow.Intents.ContainsKey(i)):
                    Error($"Handoff rule {name} names intents the flow does not define: {string.Join(", ", rule.Intents.Where(i => !flow.Intents.ContainsKey(i)))}.");
                    break;
                case HandoffTrigger.Misunderstandings when rule.Count < 1:
                    Error("Handoff rule misunderstandings needs a count of at least 1.");
                    break;
                case HandoffTrigger.NegativeSentiment when rule.Below is < -1 or > 1:
                    Error("Handoff rule negative_sentiment needs a threshold (below) between -1 and 1.");
                    break;
                case HandoffTrigger.ContactAttribute when string.IsNullOrWhiteSpace(rule.Attribute):
                    Error("Handoff rule contact_attribute names the attribute.");
                    break;
            }

            if (rule.Queue is { } ruleQueue && queues is not null && !queues.Contains(ruleQueue))
            {
                Error($"Handoff rule {name}: there is no queue called '{ruleQueue}' in this account.");
            }
        }
    }

    private static void CheckChannels(FlowDocument flow, IEnumerable<ChannelKind> channels, List<FlowProblem> problems)
    {
        foreach (var limits in channels.Select(ChannelLimits.For))
        {
            void Warn(FlowStep step, string message) => problems.Add(new FlowProblem(ProblemSeverity.Warning, step.Id, $"{limits.Channel}: {message}"));
            foreach (var step in flow.Steps)
            {
                if (step.Text?.Length > limits.MaxText)
                {
                    Warn(step, $"the text is cut at {limits.MaxText} characters.");
                }

                var list = step.Style == OptionsStyle.List && limits.MaxListRows > 0;
                var (most, title) = list ? (limits.MaxListRows, limits.MaxListTitle) : (limits.MaxQuickReplies, limits.MaxQuickReplyTitle);
                if (step.Options.Count > most)
                {
                    Warn(step, $"{step.Options.Count} options are more than the {most} it shows; they are sent as numbered lines.");
                }
                else if (step.Options.Find(o => o.Title.Length > title) is { } longer)
                {
                    Warn(step, $"the option '{longer.Title}' is cut at {title} characters.");
                }

                CheckCardLimits(step, limits, Warn);
            }
        }
    }

    private static bool ValidPattern(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return false;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
