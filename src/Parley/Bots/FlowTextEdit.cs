using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Bots.Flows;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Parley.Bots;

/// <summary>
/// Edits a flow's YAML in its text, so that what its channel managers wrote around an edit (comments, key order, quoting,
/// blank lines) stays: a flow kept as code differs from its last version by the edit alone.
/// </summary>
public static partial class FlowTextEdit
{
    /// <summary>
    /// The text with each queue name <paramref name="from"/> (the handoff's, its rules', handoff steps') replaced by
    /// <paramref name="to"/>; null when the edited text does not read back as <paramref name="expected"/> (the document with
    /// the names changed), or the text does not parse.
    /// </summary>
    public static string? ReplaceQueues(string yaml, string from, string to, FlowDocument expected)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException)
        {
            return null;
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return null;
        }

        // An alias yields its anchor's node again: each place in the text is replaced once.
        var names = QueueNames(root).Where(n => n.Value == from).DistinctBy(n => n.Start.Index).OrderByDescending(n => n.Start.Index).ToList();
        var text = new StringBuilder(yaml);
        foreach (var name in names)
        {
            var (start, end) = (ValueStart(yaml, (int)name.Start.Index), (int)name.End.Index);
            text.Remove(start, end - start).Insert(start, Scalar(to));
        }

        var edited = text.ToString();
        try
        {
            return FlowYaml.Write(FlowYaml.Read(edited)) == FlowYaml.Write(expected) ? edited : null;
        }
        catch (FlowYamlException)
        {
            return null;
        }
    }

    /// <summary>The scalars that name a queue: <c>handoff.queue</c>, <c>handoff.rules[].queue</c>, <c>steps[type: handoff].queue</c>.</summary>
    private static IEnumerable<YamlScalarNode> QueueNames(YamlMappingNode root)
    {
        if (Child(root, "handoff") is YamlMappingNode handoff)
        {
            if (Child(handoff, "queue") is YamlScalarNode queue)
            {
                yield return queue;
            }

            foreach (var rule in (Child(handoff, "rules") as YamlSequenceNode)?.OfType<YamlMappingNode>() ?? [])
            {
                if (Child(rule, "queue") is YamlScalarNode ruleQueue)
                {
                    yield return ruleQueue;
                }
            }
        }

        foreach (var step in (Child(root, "steps") as YamlSequenceNode)?.OfType<YamlMappingNode>() ?? [])
        {
            if (Child(step, "type") is YamlScalarNode { Value: "handoff" } && Child(step, "queue") is YamlScalarNode stepQueue)
            {
                yield return stepQueue;
            }
        }
    }

    /// <summary>Where a node's value starts: past its anchor (<c>&amp;name</c>) and tag (<c>!tag</c>), which stay.</summary>
    private static int ValueStart(string yaml, int start)
    {
        while (start < yaml.Length && yaml[start] is '&' or '!')
        {
            while (start < yaml.Length && !char.IsWhiteSpace(yaml[start]))
            {
                start++;
            }

            while (start < yaml.Length && yaml[start] is ' ' or '\t')
            {
                start++;
            }
        }

        return start;
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var k } && k == key).Value;

    /// <summary>A plain scalar when the name reads back as itself in any context, else a double-quoted one (JSON's escapes are YAML's).</summary>
    private static string Scalar(string name) =>
        PlainName().IsMatch(name) && !Reserved.Contains(name) ? name : JsonSerializer.Serialize(name);

    /// <summary>Plain words a YAML reader may take for something other than text.</summary>
    private static readonly HashSet<string> Reserved = new(["null", "true", "false", "yes", "no", "on", "off", "y", "n"], StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} _.-]*[\p{L}\p{N}_.]$|^[\p{L}\p{N}]$")]
    private static partial Regex PlainName();
}
