using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Bots.Api;

/// <summary>
/// Turns an answer into the step's outcome, one way for real and recorded answers: 2xx is a success whose body must be
/// JSON (the extracted values come from it), 404 is "not found" (a parcel number nobody knows), anything else a failure.
/// </summary>
internal static class ApiAnswers
{
    public const int MaxBodyBytes = 256 * 1024;

    private static readonly Dictionary<string, JsonNode?> NoValues = [];

    public static bool IsSuccess(int status) => status is >= 200 and <= 299;

    /// <summary>Worth another attempt: the server was busy or broken, not the request wrong (which would fail the same way again).</summary>
    public static bool IsTransient(int status) => status is 408 or 425 or 429 or >= 500;

    public static ApiResult Read(ApiStepSpec spec, int status, ReadOnlySpan<byte> body, TimeSpan elapsed)
    {
        if (status == 404)
        {
            return new ApiResult(ApiOutcome.NotFound, status, NoValues, null, elapsed);
        }

        if (!IsSuccess(status))
        {
            return Failure(status, $"The API answered {status}.", elapsed);
        }

        if (body.Length > MaxBodyBytes)
        {
            return TooLarge(status, elapsed);
        }

        JsonNode? root = null;
        if (!body.Trim(" \t\r\n"u8).IsEmpty)
        {
            try
            {
                root = JsonNode.Parse(body);
            }
            catch (JsonException e)
            {
                return Failure(status, $"The API answered {status} with a body that is not JSON: {e.Message}", elapsed);
            }
        }

        var values = spec.Extract.ToDictionary(e => e.Key, e => ApiExtraction.Find(root, e.Value), StringComparer.Ordinal);
        return new ApiResult(ApiOutcome.Success, status, values, null, elapsed);
    }

    public static ApiResult TooLarge(int status, TimeSpan elapsed) =>
        Failure(status, $"The API answered {status} with a body larger than {MaxBodyBytes / 1024} KB.", elapsed);

    public static ApiResult Failure(int? status, string error, TimeSpan elapsed) => new(ApiOutcome.Failure, status, NoValues, error, elapsed);

    /// <summary>The body, or null as soon as it passes the cap (announced or not): an answer is never buffered whole first.</summary>
    public static async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
