using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Contacts.Crm;

/// <summary>
/// An account's CRM lookup: where Parley asks (an https address, or a path on this server such as the demo's
/// <c>/demo/crm/lookup</c>), the secret it signs its requests with (stored protected), how long the console waits, and
/// how long an answer is kept.
/// </summary>
public sealed record CrmSettings
{
    public const int MinTimeoutMs = 200;
    public const int MaxTimeoutMs = 10_000;
    public const int MaxCacheSeconds = 86_400;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public required string Url { get; init; }

    /// <summary>The signing secret, protected (<see cref="Channels.ConnectionSecrets"/>); never shown again.</summary>
    public string? ProtectedSecret { get; init; }

    public int TimeoutMs { get; init; } = 2_000;
    public int CacheSeconds { get; init; } = 300;

    public static CrmSettings? Parse(string? json) => string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<CrmSettings>(json, Json);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Why an address cannot be a CRM lookup, or null: https, plain http only to this machine, or a path on this server.</summary>
    public static string? UrlProblem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2048)
        {
            return "The lookup address is required (at most 2048 characters).";
        }

        if (url.StartsWith('/'))
        {
            return url.StartsWith("//", StringComparison.Ordinal) ? "A path on this server starts with a single '/'." : null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "The lookup address is an https:// address (or a path on this server).";
        }

        return uri.Scheme == "http" && !uri.IsLoopback ? "The lookup goes over https: plain http is allowed only to this machine." : null;
    }
}

/// <summary>What an admin sends to set the lookup; a null secret keeps the stored one.</summary>
public sealed record CrmInput(string? Url, string? Secret, int? TimeoutMs, int? CacheSeconds);

/// <summary>What an admin sees: everything but the secret.</summary>
public sealed record CrmSettingsView(long AccountId, string? Url, bool HasSecret, int TimeoutMs, int CacheSeconds);

public enum CrmStatus
{
    /// <summary>The account has no CRM lookup.</summary>
    NotConfigured,
    Found,

    /// <summary>The CRM answered that it has no record of the contact.</summary>
    NotFound,

    /// <summary>The CRM did not answer within the account's time budget.</summary>
    TimedOut,
    Failed,
}

public sealed record CrmField(string Label, string Value);

/// <summary>The CRM's answer, as the console shows it (all of it text).</summary>
public sealed record CrmRecord(CrmStatus Status, string? Title = null, IReadOnlyList<CrmField>? Fields = null, string? RecordUrl = null, string? Problem = null);
