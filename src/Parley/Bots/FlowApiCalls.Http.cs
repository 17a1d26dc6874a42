using Parley.Bots.Flows;

namespace Parley.Bots;

public sealed partial class FlowApiCalls
{
    private Task<ApiAnswer> CallAsync(CompiledFlow flow, FlowAction.CallApi call, CancellationToken cancellationToken) =>
        AnswerAsync(flow, call, useSample: false, cancellationToken);

    /// <summary>The API's answer for a step: the real call, or (for previews) the step's recorded sample.</summary>
    public Task<ApiAnswer> AnswerAsync(CompiledFlow flow, FlowAction.CallApi call, bool useSample, CancellationToken cancellationToken) =>
        Task.FromResult(new ApiAnswer(ApiAnswerOutcome.Failure, new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(), "API calls are not available yet"));
}
