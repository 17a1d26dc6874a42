using System.Globalization;
using Parley.Bots.Flows;

namespace Parley.Console.Flows;

/// <summary>A step as a box of the editor's graph, at its place.</summary>
public sealed record GraphNode(string Id, StepKind Kind, string Summary, double X, double Y, bool Reachable, ProblemSeverity? Problem);

/// <summary>An arrow between two steps, with what leads there (option titles, intents, outcomes), as an SVG path.</summary>
public sealed record GraphEdge(string From, string To, string Label, string Path, double LabelX, double LabelY);

/// <summary>
/// The flow laid out in layers from its start step, breadth-first, so a channel manager reads it top-down in the order a
/// customer meets it. Positions are computed here rather than in the browser: the console stays free of a graph library
/// and the layout is the same for everyone. Steps no path reaches are put apart, under the rest.
/// </summary>
public sealed record FlowGraph(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, double Width, double Height, double? ApartTop)
{
    public const double BoxWidth = 170;
    public const double BoxHeight = 52;
    private const double GapX = 40;
    private const double GapY = 64;
    private const double Margin = 16;

    /// <summary>Room on the right for the arrows that go back up (loops, retries).</summary>
    private const double BackLane = 90;

    public static FlowGraph Build(FlowDocument flow, IReadOnlyList<FlowProblem> problems)
    {
        var layers = Layers(flow, out var reached);
        var apart = flow.Steps.Where(s => !reached.Contains(s.Id)).Select(s => s.Id).Distinct(StringComparer.Ordinal).ToList();
        var widest = Math.Max(layers.Select(l => l.Count).DefaultIfEmpty(0).Max(), apart.Count);
        var width = Margin * 2 + widest * BoxWidth + Math.Max(0, widest - 1) * GapX + BackLane;
        var places = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        for (var layer = 0; layer < layers.Count; layer++)
        {
            Place(layers[layer], Margin + layer * (BoxHeight + GapY), widest, places);
        }

        double? apartTop = null;
        if (apart.Count > 0)
        {
            apartTop = Margin + layers.Count * (BoxHeight + GapY);
            Place(apart, apartTop.Value + 24, widest, places);
        }

        var height = places.Count == 0 ? 2 * Margin : places.Values.Max(p => p.Y) + BoxHeight + Margin;
        var severity = problems.Where(p => p.StepId is not null).GroupBy(p => p.StepId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(p => p.Severity), StringComparer.Ordinal);
        var nodes = places.Select(p =>
        {
            var step = flow.Step(p.Key)!;
            return new GraphNode(step.Id, step.Type, Summary(step), p.Value.X, p.Value.Y, reached.Contains(step.Id),
                severity.TryGetValue(step.Id, out var s) ? s : null);
        }).ToList();
        return new FlowGraph(nodes, Arrows(flow, places), width, height, apartTop);
    }

    /// <summary>Each step once, in the layer of the shortest path from the start that reaches it.</summary>
    private static List<List<string>> Layers(FlowDocument flow, out HashSet<string> reached)
    {
        reached = new HashSet<string>(StringComparer.Ordinal);
        var layers = new List<List<string>>();
        var current = flow.Step(flow.Start) is null ? [] : new List<string> { flow.Start };
        reached.UnionWith(current);
        while (current.Count > 0)
        {
            layers.Add(current);
            var next = new List<string>();
            foreach (var id in current)
            {
                foreach (var target in FlowLinks.Of(flow.Step(id)!).Select(l => l.Target))
                {
                    if (flow.Step(target) is not null && reached.Add(target))
                    {
                        next.Add(target);
                    }
                }
            }

            current = next;
        }

        return layers;
    }

    /// <summary>A row of boxes, centred under the widest row.</summary>
    private static void Place(List<string> row, double y, int widest, Dictionary<string, (double X, double Y)> places)
    {
        var offset = (widest - row.Count) * (BoxWidth + GapX) / 2;
        for (var i = 0; i < row.Count; i++)
        {
            places.TryAdd(row[i], (Margin + offset + i * (BoxWidth + GapX), y));
        }
    }

    private static List<GraphEdge> Arrows(FlowDocument flow, Dictionary<string, (double X, double Y)> places)
    {
        // Two links between the same steps (an option and an intent that lead to the same place) are one arrow.
        var links = flow.Steps.Where(s => places.ContainsKey(s.Id))
            .SelectMany(s => FlowLinks.Of(s).Select(l => (From: s.Id, l.Target, l.Label)))
            .Where(l => places.ContainsKey(l.Target))
            .GroupBy(l => (l.From, l.Target));
        var edges = new List<GraphEdge>();
        foreach (var link in links)
        {
            var label = string.Join(", ", link.Select(l => l.Label).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal));
            var (from, to) = (places[link.Key.From], places[link.Key.Target]);
            edges.Add(to.Y > from.Y ? Down(link.Key.From, link.Key.Target, label, from, to) : Back(link.Key.From, link.Key.Target, label, from, to));
        }

        return edges;
    }

    private static GraphEdge Down(string fromId, string toId, string label, (double X, double Y) from, (double X, double Y) to)
    {
        var (x1, y1, x2, y2) = (from.X + BoxWidth / 2, from.Y + BoxHeight, to.X + BoxWidth / 2, to.Y);
        var bend = (y2 - y1) / 2;
        var path = Invariant($"M {x1} {y1} C {x1} {y1 + bend}, {x2} {y2 - bend}, {x2} {y2}");
        return new GraphEdge(fromId, toId, label, path, (x1 + x2) / 2, (y1 + y2) / 2);
    }

    /// <summary>An arrow to a step on the same row or above: out of the right side and back into the right side.</summary>
    private static GraphEdge Back(string fromId, string toId, string label, (double X, double Y) from, (double X, double Y) to)
    {
        var (x1, y1, x2, y2) = (from.X + BoxWidth, from.Y + BoxHeight / 2 - 8, to.X + BoxWidth, to.Y + BoxHeight / 2 + 8);
        var reach = 40 + Math.Abs(y1 - y2) / 8;
        var path = Invariant($"M {x1} {y1} C {x1 + reach} {y1}, {x2 + reach} {y2}, {x2} {y2}");
        return new GraphEdge(fromId, toId, label, path, (x1 + x2) / 2 + reach * 0.75, (y1 + y2) / 2);
    }

    /// <summary>The first words of what the step says, or what it does when it says nothing.</summary>
    private static string Summary(FlowStep step)
    {
        var text = step.Type switch
        {
            StepKind.Api => $"{step.Api?.Method} {step.Api?.Url}",
            StepKind.Goto => $"to flow {step.Flow}",
            StepKind.Condition => $"{step.Branches.Count} branch(es)",
            StepKind.Set => string.Join(", ", step.Set.Keys),
            StepKind.Understand => string.Join(", ", step.Routes.Select(r => r.Intent)),
            StepKind.Handoff when string.IsNullOrWhiteSpace(step.Text) => $"to {step.Queue ?? "the default queue"}",
            StepKind.External when string.IsNullOrWhiteSpace(step.Text) => "to the external bot",
            _ => step.Text ?? string.Empty,
        };
        return Shorten(text, 26);
    }

    public static string Shorten(string text, int most)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length <= most)
        {
            return flat;
        }

        var cut = flat.LastIndexOf(' ', most - 1);
        return flat[..(cut > most / 2 ? cut : most - 1)] + "…";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
