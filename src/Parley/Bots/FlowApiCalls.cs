using Parley.Bots.Flows;
using Parley.Channels;
using Parley.Conversations;

namespace Parley.Bots;

/// <summary>
/// Runs a flow's API step once the turn that reached it is stored: outside the write gate and any transaction, so a slow
/// API holds up no other conversation and no message acceptance. The answer goes back to the conversation with the
/// inbound processor's next batch (<see cref="BotContinuations"/>), provided the conversation still waits on that very
/// call; the customer's messages that waited meanwhile are processed right after it, in order, in the same transaction.
/// </summary>
public sealed partial class FlowApiCalls(IServiceProvider services, BotContinuations continuations)
{
    /// <summary>How long a call may take, all attempts included; past it another node may call again.</summary>
    public static TimeSpan Budget(FlowApiCall call) => Api.ApiCaller.Budget(Spec(call, call.Url)) + TimeSpan.FromSeconds(5);

    public Func<CancellationToken, Task> Prepare(long conversationId, CompiledFlow flow, FlowAction.CallApi call, InboxSettings settings) =>
        async cancellationToken =>
        {
            var answer = await CallAsync(flow, call, cancellationToken);
            var bot = services.GetRequiredService<FlowBot>();
            continuations.Post(conversationId, (db, conversation, s, ct) => bot.OnApiAnswerAsync(db, conversation, s, flow.VersionId, call.StepId, answer, ct));
        };
}
