using DiffPlex;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Parley.Bots;

/// <summary>What changed between two versions of a flow, line by line (DiffPlex).</summary>
public static class FlowDiff
{
    public static IReadOnlyList<DiffLine> Lines(string before, string after) =>
        InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false).Lines
            .Where(l => l.Type != ChangeType.Imaginary)
            .Select(l => new DiffLine(l.Type switch { ChangeType.Inserted => "+", ChangeType.Deleted => "-", _ => " " }, l.Text))
            .ToList();
}
