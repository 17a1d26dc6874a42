using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Bots.Api;
using Parley.Bots.Flows;
using Parley.Channels;
using Parley.Data;

namespace Parley.Bots;

public sealed partial class FlowApiCalls
{
    private ApiCaller Caller => services.GetRequiredService<ApiCaller>();

    private Task<ApiAnswer> CallAsync(CompiledFlow flow, FlowAction.CallApi call, CancellationToken cancellationToken) =>
        AnswerAsync(flow, call, useSample: false, cancellationToken);

    /// <summary>The API's answer for a step: the real call (with the account's secrets), or, for previews, the step's recorded sample.</summary>
    public async Task<ApiAnswer> AnswerAsync(CompiledFlow flow, FlowAction.CallApi call, bool useSample, CancellationToken cancellationToken)
    {
        ApiResult result;
        if (useSample)
        {
            if (call.Call.Sample is null)
            {
                return new ApiAnswer(ApiAnswerOutcome.Failure, new Dictionary<string, JsonNode?>(), "the step has no recorded answer");
            }

            result = Caller.FromSample(Spec(call.Call), call.Model);
        }
        else
        {
            // Secrets go into headers only: a step without headers needs no read of them.
            var secrets = call.Call.Headers is { Count: > 0 } ? await SecretsAsync(flow.AccountId, cancellationToken) : NoSecrets;
            result = await Caller.CallAsync(Spec(call.Call), call.Model, secrets, cancellationToken);
        }

        var outcome = result.Outcome switch
        {
            ApiOutcome.Success => ApiAnswerOutcome.Success,
            ApiOutcome.NotFound => ApiAnswerOutcome.NotFound,
            _ => ApiAnswerOutcome.Failure,
        };
        return new ApiAnswer(outcome, result.Values, result.Error ?? (result.Status is { } status ? $"HTTP {status}" : null));
    }

    /// <summary>The step as the API caller takes it; a URL that is a path goes to this server (the demo's parcel API).</summary>
    private ApiStepSpec Spec(FlowApiCall call)
    {
        var url = call.Url.TrimStart();
        return Spec(call, url.StartsWith('/') ? services.GetRequiredService<PlatformApi>().OwnAddress() + url : url);
    }

    private static ApiStepSpec Spec(FlowApiCall call, string url) =>
        new(call.Method.ToUpperInvariant(), url, call.Body, call.Headers, call.Extract,
            TimeSpan.FromSeconds(call.TimeoutSeconds), call.Retries, call.Sample is { } sample ? new ApiSample(sample.Status, sample.Body) : null);

    private static readonly IReadOnlyDictionary<string, string> NoSecrets = new Dictionary<string, string>();

    private async Task<IReadOnlyDictionary<string, string>> SecretsAsync(long accountId, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync(cancellationToken);
        var stored = await db.BotSecrets.AsNoTracking().Where(s => s.AccountId == accountId).Select(s => new { s.Name, s.Value }).ToListAsync(cancellationToken);
        var secrets = services.GetRequiredService<BotSecrets>();
        return stored.ToDictionary(s => s.Name, s => secrets.Unprotect(s.Value), StringComparer.Ordinal);
    }
}
