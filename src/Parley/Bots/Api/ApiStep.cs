using System.Text.Json.Nodes;

namespace Parley.Bots.Api;

/// <summary>
/// A flow step that calls a business API (a parcel tracker, an order system). URL, header values and body are
/// templates; header values may read <c>{{ secrets.NAME }}</c>. <see cref="Extract"/> maps a variable name to a path
/// into the JSON answer: <c>status</c>, <c>events[0].label</c>, <c>data.items</c>, or <c>$</c> for the whole body.
/// </summary>
public sealed record ApiStepSpec(
    string Method,
    string Url,
    string? Body,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Extract,
    TimeSpan Timeout,
    int Retries,
    ApiSample? Sample = null);

/// <summary>A recorded answer, so that a flow can be previewed without calling the API.</summary>
public sealed record ApiSample(int Status, string Body);

public enum ApiOutcome
{
    Success,
    NotFound,
    Failure,
}

/// <summary>What the step got: the values extracted on success (a path absent from the answer gives null), or why it failed.</summary>
public sealed record ApiResult(ApiOutcome Outcome, int? Status, IReadOnlyDictionary<string, JsonNode?> Values, string? Error, TimeSpan Elapsed);
