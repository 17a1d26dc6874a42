using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Bots.Flows;
using Parley.Channels;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots;

/// <summary>What the preview chat sends: the state it got last (null to start), and the customer's text or choice.</summary>
public sealed record PreviewInput(string? State, string? Text = null, string? ReplyTo = null, bool RealApi = false, string? FirstName = null);

/// <summary>A preview turn: what the bot says, what it did, and the state to send back with the next message.</summary>
public sealed record PreviewTurn(IReadOnlyList<FlowMessage> Messages, string Outcome, string? State, IReadOnlyList<FlowEvent> Events, MessageInsight? Insight);

/// <summary>
/// Runs a flow's draft for the channel manager before publishing: nothing is stored, no conversation exists, and API steps
/// answer with their recorded sample unless the real API is asked for.
/// </summary>
public sealed class FlowPreview(IDbContextFactory<ParleyDb> dbs, FlowRunner runner, FlowApiCalls calls)
{
    private const int MaxCallsPerTurn = 5;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<FlowResult> RunAsync(AdvisorSession advisor, long flowId, PreviewInput input, CancellationToken ct)
    {
        if (!advisor.CanEditFlows)
        {
            return FlowResult.Fail(ManagementOutcome.Forbidden, "Only channel managers and admins work on the bot's flows.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var flow = await db.BotFlows.AsNoTracking().FirstOrDefaultAsync(f => f.Id == flowId, ct);
        if (flow is null || !advisor.CanAccess(flow.AccountId))
        {
            return FlowResult.Fail(ManagementOutcome.NotFound, "No such flow in your accounts.");
        }

        FlowDocument document;
        try
        {
            document = FlowYaml.Read(flow.Draft);
        }
        catch (FlowYamlException e)
        {
            return FlowResult.Fail(ManagementOutcome.Invalid, e.Message);
        }

        var compiled = new CompiledFlow(0, flow.Id, flow.AccountId, flow.Name, document, FlowUnderstanding.Train(document));
        var state = input.State is { Length: > 0 } text ? JsonSerializer.Deserialize<FlowState>(text, Json) : null;
        var context = new FlowContext(
            new JsonObject { ["first_name"] = input.FirstName ?? "Alice", ["name"] = input.FirstName ?? "Alice", ["attributes"] = new JsonObject() },
            new JsonObject { ["id"] = 0, ["channel"] = nameof(ChannelKind.WebMessaging) },
            true);
        MessageInsight? insight = null;
        FlowTurn turn;
        if (state is null && input.Text is null && input.ReplyTo is null)
        {
            turn = runner.Start(document, 0, context);
        }
        else
        {
            insight = compiled.Understanding.Read(input.Text);
            var said = new CustomerInput(input.Text, input.ReplyTo, insight);
            turn = state is null or { Ended: true } ? runner.Start(document, 0, context, said) : runner.OnCustomerMessage(document, state, said, context);
        }

        var messages = new List<FlowMessage>(turn.Messages);
        var events = new List<FlowEvent>(turn.Events);
        for (var call = 0; turn.Action is FlowAction.CallApi api && call < MaxCallsPerTurn; call++)
        {
            var answer = await calls.AnswerAsync(compiled, api, useSample: !input.RealApi, ct);
            turn = runner.OnApiResult(document, turn.State, answer, context);
            messages.AddRange(turn.Messages);
            events.AddRange(turn.Events);
        }

        var outcome = turn.Action switch
        {
            FlowAction.Handoff h => $"Handed over to {h.Queue ?? "the inbox's default queue"}{(h.Priority > 0 ? $" (priority {h.Priority})" : string.Empty)}: {h.Reason}",
            FlowAction.Resolve => "Resolved by the bot",
            FlowAction.Goto g => $"Goes on in the flow {g.Flow}",
            _ => turn.State.Ended ? "The bot's part is over until the customer writes again" : $"Waiting for the customer at {turn.State.At}",
        };
        var ended = turn.Action is FlowAction.Handoff or FlowAction.Resolve or FlowAction.Goto;
        return FlowResult.Done(new PreviewTurn(messages, outcome, ended ? null : JsonSerializer.Serialize(turn.State, Json), events, insight));
    }
}
