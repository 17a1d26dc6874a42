using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Routing;

/// <summary>How a conversation reached its advisor or queue.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AssignmentRule>))]
public enum AssignmentRule
{
    /// <summary>Routing: the least loaded advisor with every required skill (or none were required).</summary>
    Skills,

    /// <summary>Routing, after the queue's relaxation steps lowered or dropped requirements for the wait.</summary>
    Relaxed,

    /// <summary>Routing: the advisor who last replied to this customer, within the queue's sticky window.</summary>
    Sticky,

    /// <summary>A person transferred it to an advisor or a queue, with a note.</summary>
    Transfer,

    /// <summary>Its advisor was away or offline too long: back in the queue.</summary>
    Requeued,
}

/// <summary>One requirement as the routing decision applied it (after relaxation).</summary>
public sealed record SkillNeed(long SkillId, int MinLevel);

/// <summary>
/// Why a conversation went to whom, stored on the conversation as JSON and shown in its header. <see cref="Needs"/> are the
/// requirements after relaxation; <see cref="Note"/> and <see cref="ByAdvisorId"/> come from a transfer (and stay with the
/// conversation when routing later assigns it from the queue it was transferred to).
/// </summary>
public sealed record AssignmentReason(
    AssignmentRule Rule,
    double WaitedSeconds = 0,
    double Score = 0,
    IReadOnlyList<SkillNeed>? Needs = null,
    int RelaxedSteps = 0,
    string? Note = null,
    long? ByAdvisorId = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored reason, or null when there is none or it cannot be read (never throws on stored text).</summary>
    public static AssignmentReason? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<AssignmentReason>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
