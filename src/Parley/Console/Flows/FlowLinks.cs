using Parley.Bots.Flows;

namespace Parley.Console.Flows;

/// <summary>A step's way to another step, named as the editor's arrows show it.</summary>
public sealed record FlowLink(string Target, string Label);

/// <summary>The steps a step can lead to, with what leads there, and the editing that keeps those links whole.</summary>
public static class FlowLinks
{
    public static IEnumerable<FlowLink> Of(FlowStep step)
    {
        foreach (var option in step.Options.Where(o => o.Next is not null))
        {
            yield return new FlowLink(option.Next!, option.Title);
        }

        foreach (var button in step.Cards.SelectMany(c => c.Buttons).Where(b => b.Next is not null))
        {
            yield return new FlowLink(button.Next!, button.Title);
        }

        foreach (var route in step.Routes)
        {
            yield return new FlowLink(route.Next, route.Intent);
        }

        foreach (var branch in step.Branches)
        {
            yield return new FlowLink(branch.Next, FlowGraph.Shorten(branch.When, 24));
        }

        var named = new (string? Target, string Label)[]
        {
            (step.Next, string.Empty), (step.OnSuccess, "success"), (step.OnNotFound, "not found"), (step.OnFailure, "failure"),
            (step.Otherwise, "otherwise"), (step.Fallback, "fallback"),
        };
        foreach (var (target, label) in named.Where(n => n.Target is not null))
        {
            yield return new FlowLink(target!, label);
        }
    }

    /// <summary>Removes a step and every way to it (a route or branch that led there goes too), so no link dangles.</summary>
    public static void Delete(FlowDocument flow, string id)
    {
        flow.Steps.RemoveAll(s => s.Id == id);
        Retarget(flow, target => target == id ? null : target);
        foreach (var step in flow.Steps)
        {
            step.Routes.RemoveAll(r => r.Next == id);
            step.Branches.RemoveAll(b => b.Next == id);
        }

        if (flow.Start == id)
        {
            flow.Start = flow.Steps.FirstOrDefault()?.Id ?? string.Empty;
        }
    }

    /// <summary>Gives a step another id and points every way to it at the new one; false when the id is taken or empty.</summary>
    public static bool Rename(FlowDocument flow, FlowStep step, string? wanted)
    {
        var id = wanted?.Trim() ?? string.Empty;
        if (id.Length == 0 || flow.Step(id) is not null)
        {
            return false;
        }

        var old = step.Id;
        string? Moved(string? target) => target == old ? id : target;
        Retarget(flow, Moved);
        foreach (var other in flow.Steps)
        {
            other.Routes.ForEach(r => r.Next = Moved(r.Next)!);
            other.Branches.ForEach(b => b.Next = Moved(b.Next)!);
        }

        flow.Start = Moved(flow.Start)!;
        step.Id = id;
        return true;
    }

    /// <summary>Maps every optional way from one step to another (next, outcomes, options).</summary>
    private static void Retarget(FlowDocument flow, Func<string?, string?> map)
    {
        foreach (var step in flow.Steps)
        {
            (step.Next, step.Fallback, step.Otherwise) = (map(step.Next), map(step.Fallback), map(step.Otherwise));
            (step.OnSuccess, step.OnNotFound, step.OnFailure) = (map(step.OnSuccess), map(step.OnNotFound), map(step.OnFailure));
            step.Options.ForEach(o => o.Next = map(o.Next));
            step.Cards.SelectMany(c => c.Buttons).ToList().ForEach(b => b.Next = map(b.Next));
        }
    }

    /// <summary>
    /// Empty form fields become absent ones: a cleared input gives "", which would be written to the YAML as a step id
    /// or a variable named "".
    /// </summary>
    public static void Tidy(FlowDocument flow)
    {
        static string? Absent(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
        flow.Handoff.Queue = Absent(flow.Handoff.Queue);
        foreach (var step in flow.Steps)
        {
            (step.Text, step.ImageUrl, step.Pattern, step.SaveAs, step.RetryText) = (Absent(step.Text), Absent(step.ImageUrl), Absent(step.Pattern), Absent(step.SaveAs), Absent(step.RetryText));
            (step.Queue, step.Reason) = (Absent(step.Queue), Absent(step.Reason));
            step.Options.ForEach(o => (o.Id, o.Description) = (Absent(o.Id), Absent(o.Description)));
            foreach (var card in step.Cards)
            {
                (card.Subtitle, card.ImageUrl, card.Url) = (Absent(card.Subtitle), Absent(card.ImageUrl), Absent(card.Url));
                card.Buttons.ForEach(b => (b.Id, b.Url, b.Next) = (Absent(b.Id), Absent(b.Url), Absent(b.Next)));
            }
        }

        foreach (var rule in flow.Handoff.Rules)
        {
            (rule.Queue, rule.Reason, rule.Attribute) = (Absent(rule.Queue), Absent(rule.Reason), Absent(rule.Attribute));
        }
    }

    /// <summary>A new step of a kind with what it needs to be valid, under an id no other step has.</summary>
    public static FlowStep Add(FlowDocument flow, StepKind kind, string? wanted)
    {
        var stem = string.IsNullOrWhiteSpace(wanted) ? kind.ToString().ToLowerInvariant() : wanted.Trim();
        var id = stem;
        for (var n = 2; flow.Step(id) is not null; n++)
        {
            id = $"{stem}_{n}";
        }

        var step = new FlowStep { Id = id, Type = kind };
        switch (kind)
        {
            case StepKind.Message or StepKind.Ask:
                step.Text = "…";
                break;
            case StepKind.Api:
                step.Api = new FlowApiCall { Url = "https://" };
                break;
            case StepKind.Goto:
                step.Flow = string.Empty;
                break;
        }

        flow.Steps.Add(step);
        if (flow.Steps.Count == 1)
        {
            flow.Start = id;
        }

        return step;
    }
}
