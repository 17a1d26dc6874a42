using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Bots.External;

/// <summary>
/// Conversations with an account's external bot: whether the account has one, and the events it is sent, written in the
/// engine's transaction with the change they describe (so none is lost and none is sent for a change that rolled back).
/// </summary>
public sealed class ExternalBots(TimeProvider clock, ExternalBotSignal signal)
{
    /// <summary>The state of a conversation the external bot holds.</summary>
    public const string State = "external";

    public static bool Holds(string? botState) => string.Equals(botState, State, StringComparison.Ordinal);

    public Task<bool> ConfiguredAsync(ParleyDb db, long accountId, CancellationToken cancellationToken) =>
        db.BotEndpoints.AnyAsync(e => e.AccountId == accountId && e.Enabled, cancellationToken);

    /// <summary>Adds an event to the caller's unit of work; <see cref="Wake"/> once it is committed.</summary>
    public void Enqueue(ParleyDb db, Conversation conversation, string kind, Message? message = null, JsonObject? variables = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var body = new JsonObject
        {
            ["type"] = kind,
            ["account_id"] = conversation.AccountId,
            ["occurred_at"] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["conversation"] = new JsonObject
            {
                ["id"] = conversation.Id,
                ["channel"] = conversation.Channel.ToString(),
                ["inbox_id"] = conversation.InboxId,
                ["contact_id"] = conversation.ContactId,
            },
        };
        if (message is not null)
        {
            body["message"] = new JsonObject
            {
                ["id"] = message.Id,
                ["text"] = message.Text,
                ["reply_to"] = message.ReplyTo,
                ["created_at"] = message.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        if (variables is not null)
        {
            body["variables"] = variables.DeepClone();
        }

        db.BotEvents.Add(new BotEvent
        {
            AccountId = conversation.AccountId,
            ConversationId = conversation.Id,
            Kind = kind,
            Body = body.ToJsonString(JsonSerializerOptions.Web),
            CreatedAt = now,
            NextAttemptAt = now,
        });
    }

    /// <summary>What a bot turn runs after its commit so the dispatcher sends the new events at once.</summary>
    public Func<CancellationToken, Task> Wake => _ =>
    {
        signal.Ring();
        return Task.CompletedTask;
    };
}

/// <summary>Wakes the dispatcher when events were committed (it also looks on its own, every few seconds).</summary>
public sealed class ExternalBotSignal : Doorbell;
