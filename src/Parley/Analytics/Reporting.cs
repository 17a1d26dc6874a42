using Parley.Conversations;
using Parley.Data;

namespace Parley.Analytics;

public static class ReportingEventNames
{
    public const string ConversationOpened = "conversation_opened";
    public const string HandedOff = "handed_off";
    public const string Assigned = "assigned";
    public const string FirstHumanReply = "first_human_reply";
    public const string Resolved = "resolved";
    public const string Reopened = "reopened";

    /// <summary>A bot flow's funnel: steps visited, misunderstandings, API results (see <see cref="Bots.Flows.FlowEventKind"/>).</summary>
    public const string BotStep = "bot_step";
    public const string BotMisunderstood = "bot_misunderstood";
    public const string BotApiCall = "bot_api_call";

    /// <summary>An advisor handed the conversation back to the bot (detail: who, and at which step).</summary>
    public const string HandedBack = "handed_back";

    /// <summary>A public conversation's comments were all deleted by the customer before anyone answered (detail: why).</summary>
    public const string Withdrawn = "withdrawn";

    /// <summary>
    /// An advisor acted on a public conversation on the network (detail: hide, unhide, like, delete, private_reply,
    /// dm_invite); the advisor is the event's.
    /// </summary>
    public const string PublicAction = "public_action";

    /// <summary>The public bot answered a comment in public (detail: the rule, <c>public:auto-reply</c>).</summary>
    public const string PublicAutoReply = "public_auto_reply";

    /// <summary>The public bot's private reply to a comment (detail: sent or failed).</summary>
    public const string PrivateReply = "private_reply";
}

public static class Reporting
{
    /// <summary>Adds a reporting event to the unit of work of the change it describes.</summary>
    public static void Record(ParleyDb db, Conversation conversation, string name, DateTime now, double? value = null, long? advisorId = null, string? detail = null) =>
        db.ReportingEvents.Add(Event(conversation, name, now, value, advisorId, detail));

    /// <summary>A reporting event on the conversation, for the caller to store with the change it describes.</summary>
    public static ReportingEvent Event(Conversation conversation, string name, DateTime now, double? value = null, long? advisorId = null, string? detail = null) =>
        new()
        {
            AccountId = conversation.AccountId,
            ConversationId = conversation.Id,
            Name = name,
            Value = value,
            AdvisorId = advisorId,
            OccurredAt = now,
            Detail = detail,
            IsPublic = conversation.IsPublic,
        };
}
