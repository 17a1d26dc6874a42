using Parley.Bots.Flows;

namespace Parley.Bots;

public sealed partial class FlowApiCalls
{
    private static Task<ApiAnswer> CallAsync(CompiledFlow flow, FlowAction.CallApi call, CancellationToken cancellationToken) =>
        Task.FromResult(new ApiAnswer(ApiAnswerOutcome.Failure, new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(), "API calls are not available yet"));
}
