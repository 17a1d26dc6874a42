using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>What the public bot decided for a customer's public message (<see cref="IPublicBot"/>).</summary>
public abstract record PublicStep
{
    private PublicStep()
    {
    }

    /// <summary>The bot answers in public (a bot message of the thread, which it then resolves), then does <paramref name="After"/> once stored (the private reply).</summary>
    public sealed record Answer(string Text, string ReportingDetail, Func<CancellationToken, Task>? After, string? ReplyTo = null) : PublicStep;

    /// <summary>A human answers: the thread goes to a queue (null: the inbox's default) with a priority and the rule's reason.</summary>
    /// <param name="Note">Why, for the advisor, shown in the thread (never sent); null for none.</param>
    public sealed record ToHuman(long? QueueId, int Priority, string Reason, string? Note) : PublicStep;
}

/// <summary>
/// The bot of public conversations, as the engine sees it: for a customer's message that woke a public thread (new, or
/// resolved), it answers or sends the thread to a human. It runs in the engine's transaction and never waits on the
/// network there (the private reply goes in <see cref="PublicStep.Answer.After"/>).
/// </summary>
public interface IPublicBot
{
    Task<PublicStep> OnPublicMessageAsync(ParleyDb db, Conversation conversation, Inbox inbox, Message message, CancellationToken cancellationToken);
}
