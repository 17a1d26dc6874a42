using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Parley.Bots.Templates;

namespace Parley.Bots.Api;

/// <summary>
/// Runs an API step: fills in the request, sends it with a timeout per attempt, retries transient failures
/// (5xx, 408, 429, timeouts, connection errors) with a short jittered backoff or the server's Retry-After, all within
/// one budget for the whole call, and reads the JSON answer. It is called outside any database transaction: a slow
/// API holds nothing but its own conversation's turn.
/// </summary>
public sealed class ApiCaller(IHttpClientFactory clients, FlowTemplates templates, TimeProvider clock, ILogger<ApiCaller> logger)
{
    public const string HttpClientName = "Parley.Bots.Api";

    /// <summary>The longest pause between two attempts that backoff alone will choose.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    // Short on purpose: a customer is waiting in the chat, and it keeps the tests fast.
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>The cap on a whole call: every attempt's timeout plus the longest backoff between them.</summary>
    public static TimeSpan Budget(ApiStepSpec spec) => spec.Timeout * (spec.Retries + 1) + MaxBackoff * spec.Retries;

    public async Task<ApiResult> CallAsync(ApiStepSpec spec, JsonObject model, IReadOnlyDictionary<string, string> secrets, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var plan = ApiRequestPlan.Create(templates, spec, model, secrets, out var error);
        if (plan is null)
        {
            return ApiAnswers.Failure(null, error!, clock.GetElapsedTime(started));
        }

        var budget = Budget(spec);
        using var budgetTimer = new CancellationTokenSource(budget, clock);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budgetTimer.Token);
        var client = clients.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            var result = await AttemptAsync(client, plan, spec, started, call.Token, budgetTimer.Token, cancellationToken);
            if (result.Final is { } final)
            {
                Log(plan, attempt, final.Error ?? $"{final.Outcome} ({final.Status})", final.Elapsed);
                return final;
            }

            var elapsed = clock.GetElapsedTime(started);
            Log(plan, attempt, result.Error, elapsed);
            if (!result.Transient || attempt > spec.Retries)
            {
                return ApiAnswers.Failure(result.Status, Describe(result.Error, attempt), elapsed);
            }

            var pause = Backoff(attempt);
            if (result.RetryAfter is { } asked && asked > pause)
            {
                if (asked > budget - elapsed)
                {
                    return ApiAnswers.Failure(result.Status, $"{result.Error} It asked to retry after {asked.TotalSeconds:0.#} s, beyond the step's {budget.TotalSeconds:0.#} s.", elapsed);
                }

                pause = asked;
            }

            try
            {
                await Task.Delay(pause, clock, call.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ApiAnswers.Failure(result.Status, Describe(result.Error + " The step's time ran out before the next attempt.", attempt), clock.GetElapsedTime(started));
            }
        }
    }

    /// <summary>The recorded answer of a step, read exactly as a real one would be (a preview shows what the flow would do).</summary>
    public ApiResult FromSample(ApiStepSpec spec, JsonObject model)
    {
        if (ApiRequestPlan.Create(templates, spec, model, new Dictionary<string, string>(), out var error) is null)
        {
            return ApiAnswers.Failure(null, error!, TimeSpan.Zero);
        }

        return spec.Sample is { } sample
            ? ApiAnswers.Read(spec, sample.Status, Encoding.UTF8.GetBytes(sample.Body), TimeSpan.Zero)
            : ApiAnswers.Failure(null, "The step has no recorded answer to preview with.", TimeSpan.Zero);
    }

    private async Task<Attempt> AttemptAsync(
        HttpClient client, ApiRequestPlan plan, ApiStepSpec spec, long started, CancellationToken call, CancellationToken budget, CancellationToken caller)
    {
        using var attemptTimer = new CancellationTokenSource(spec.Timeout, clock);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(call, attemptTimer.Token);
        using var request = plan.ToMessage();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var status = (int)response.StatusCode;
            if (ApiAnswers.IsSuccess(status))
            {
                var body = await ApiAnswers.ReadCappedAsync(response.Content, attempt.Token);
                var elapsed = clock.GetElapsedTime(started);
                return new Attempt(body is null ? ApiAnswers.TooLarge(status, elapsed) : ApiAnswers.Read(spec, status, body, elapsed));
            }

            if (status == 404 || !ApiAnswers.IsTransient(status))
            {
                return new Attempt(ApiAnswers.Read(spec, status, default, clock.GetElapsedTime(started)));
            }

            return new Attempt(null, $"The API answered {status}.", status, RetryAfter(response.Headers.RetryAfter), Transient: true);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            var why = budget.IsCancellationRequested
                ? $"The step's {Budget(spec).TotalSeconds:0.#} s ran out."
                : $"The API did not answer within {spec.Timeout.TotalSeconds:0.###} s.";
            return new Attempt(null, why, null, null, Transient: !budget.IsCancellationRequested);
        }
        catch (HttpRequestException e) when (e.InnerException is ForbiddenAddressException forbidden)
        {
            return new Attempt(ApiAnswers.Failure(null, forbidden.Message, clock.GetElapsedTime(started)));
        }
        catch (HttpRequestException e)
        {
            return new Attempt(null, $"The API could not be reached ({e.HttpRequestError}): {e.Message}", null, null, Transient: true);
        }
        catch (IOException e)
        {
            // A connection reset after the headers surfaces from the body's stream as an IOException, not an
            // HttpRequestException: it is a failed attempt like any other, not an exception for the flow runtime.
            return new Attempt(null, $"The API's answer was cut off: {e.Message}", null, null, Transient: true);
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow(),
        _ => null,
    };

    /// <summary>Doubles from 100 ms up to 2 s, each pause drawn between half and all of it so that callers spread out.</summary>
    private static TimeSpan Backoff(int attempt)
    {
        var full = Math.Min(FirstBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1), MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full * (0.5 + Random.Shared.NextDouble() / 2));
    }

    private static string Describe(string error, int attempts) => attempts == 1 ? error : $"{error} ({attempts} attempts)";

    // Only where the request went and how it ended: headers (and so secrets) and the query string never reach the logs.
    private void Log(ApiRequestPlan plan, int attempt, string outcome, TimeSpan elapsed) =>
        logger.LogInformation(
            "API step {Method} {Url} attempt {Attempt}: {Outcome} after {Elapsed} ms",
            plan.Method, plan.Url.GetLeftPart(UriPartial.Path), attempt, outcome, (int)elapsed.TotalMilliseconds);

    private readonly record struct Attempt(ApiResult? Final, string Error = "", int? Status = null, TimeSpan? RetryAfter = null, bool Transient = false);
}
