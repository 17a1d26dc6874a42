using Parley.Bots;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>
/// The bot of a conversation, as the engine sees it: it greets a new conversation and answers the customer's messages
/// while the conversation is with it. It runs inside the engine's transaction and never waits on the network there:
/// what must (a business API) it returns as <see cref="BotTurn.After"/>, which the engine runs once the turn is stored.
/// </summary>
public interface IConversationBot
{
    Task<BotTurn> StartAsync(ParleyDb db, Conversation conversation, Inbox inbox, InboxSettings settings, CancellationToken cancellationToken);

    Task<BotTurn> OnCustomerMessageAsync(ParleyDb db, Conversation conversation, Inbox inbox, InboxSettings settings, Message message, CancellationToken cancellationToken);

    /// <summary>
    /// True while the bot waits on something else than the customer (an API call under way): the customer's next messages
    /// wait, unprocessed, until it is done, so they are read in order and after its answer.
    /// </summary>
    bool IsBusy(string? botState);
}
