using System.Linq.Expressions;

namespace Parley.Conversations;

/// <summary>
/// The one statement of when a conversation is snoozed: an advisor snoozed it after the customer's last message, and
/// the time it was snoozed until (none: until the customer writes) is still ahead. The customer's next message ends it
/// by itself (the hot path only sets <see cref="Conversation.LastCustomerMessageAt"/>, as always), and so does time.
/// </summary>
public static class Snooze
{
    private static readonly Expression<Func<Conversation, DateTime, bool>> Rule = (c, now) =>
        c.SnoozedAt != null
        && (c.LastCustomerMessageAt == null || c.SnoozedAt > c.LastCustomerMessageAt)
        && (c.SnoozedUntil == null || c.SnoozedUntil > now);

    private static readonly Func<Conversation, DateTime, bool> Compiled = Rule.Compile();

    /// <summary>The rule for a query (the console's list): <paramref name="now"/> is sent as a parameter.</summary>
    public static Expression<Func<Conversation, bool>> IsSnoozed(DateTime now)
    {
        var at = new Instant(now);
        var body = new Replace(Rule.Parameters[1], Expression.Property(Expression.Constant(at), nameof(Instant.Now))).Visit(Rule.Body);
        return Expression.Lambda<Func<Conversation, bool>>(body, Rule.Parameters[0]);
    }

    /// <summary>The rule's negation, for the list's "open" (the conversations an advisor should look at now).</summary>
    public static Expression<Func<Conversation, bool>> IsNotSnoozed(DateTime now)
    {
        var snoozed = IsSnoozed(now);
        return Expression.Lambda<Func<Conversation, bool>>(Expression.Not(snoozed.Body), snoozed.Parameters);
    }

    public static bool IsSnoozedAt(Conversation conversation, DateTime now) => Compiled(conversation, now);

    /// <summary>A closure-like holder: EF Core sends a member of a constant as a parameter, not as SQL text.</summary>
    private sealed record Instant(DateTime Now);

    private sealed class Replace(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
