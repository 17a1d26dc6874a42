using Parley.Bots;
using Parley.Bots.Flows;
using Parley.Routing;

namespace Parley.Tests.Bots.Flows;

/// <summary>A queue's rename carried into a flow's YAML changes the names alone: comments and layout stay.</summary>
public sealed class FlowQueueRenameTests
{
    private const string Before = """
        # Claims: kept as code by the channel managers.
        name: Claims flow
        start: ask
        handoff:
          queue: Claims   # the default
          rules:
          - when: asks_for_human
            queue: 'Claims'
          - when: contact_attribute
            attribute: vip
            queue: VIP
        steps:
        - id: ask
          type: message
          text: Claims are handled by the Claims team.
          next: hand

        # Hands over.
        - { id: hand, type: handoff, queue: Claims, reason: A claim. }
        """;

    [Fact]
    public void Only_the_names_change_and_comments_quoting_and_layout_stay()
    {
        var renamed = FlowQueueRename.Renamed(Before, "Claims", "Claims and refunds");

        Assert.Equal(Before
            .Replace("queue: Claims   #", "queue: Claims and refunds   #", StringComparison.Ordinal)
            .Replace("queue: 'Claims'", "queue: Claims and refunds", StringComparison.Ordinal)
            .Replace("queue: Claims,", "queue: Claims and refunds,", StringComparison.Ordinal), renamed);
        Assert.Equal(["Claims and refunds", "Claims and refunds", "VIP", "Claims and refunds"], QueueReferences.QueuesNamed(FlowYaml.Read(renamed!)));
    }

    [Theory]
    [InlineData("Claims: refunds")]
    [InlineData("Claims, refunds")]
    [InlineData("#1 claims")]
    [InlineData("null")]
    [InlineData("Réclamations \"urgentes\"")]
    [InlineData(" Claims")]
    public void A_name_that_is_not_plain_text_in_YAML_is_quoted_and_reads_back(string name)
    {
        var renamed = FlowQueueRename.Renamed(Before, "Claims", name)!;

        Assert.Equal([name, name, "VIP", name], QueueReferences.QueuesNamed(FlowYaml.Read(renamed)));
        Assert.Contains("# Hands over.", renamed, StringComparison.Ordinal);
    }

    [Fact]
    public void An_anchored_name_is_replaced_once_where_it_stands()
    {
        const string anchored = """
            name: Anchored
            start: hand
            handoff:
              queue: &claims Claims
            steps:
            - id: hand   # the only step
              type: handoff
              queue: *claims
            """;

        var renamed = FlowQueueRename.Renamed(anchored, "Claims", "Refunds")!;

        Assert.Equal(anchored.Replace("&claims Claims", "&claims Refunds", StringComparison.Ordinal), renamed);
        Assert.Equal(["Refunds", "Refunds"], QueueReferences.QueuesNamed(FlowYaml.Read(renamed)));
    }

    [Fact]
    public void A_flow_that_does_not_name_the_queue_is_left_alone() =>
        Assert.Null(FlowQueueRename.Renamed(Before, "Bank", "Banking"));
}
