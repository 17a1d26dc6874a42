using Parley.Conversations;

namespace Parley.Channels;

/// <summary>The platforms' rules for an advisor's message: free text inside the window (<see cref="ReplyWindows"/>), an approved template on WhatsApp.</summary>
public sealed class ChannelReplyPolicy(ConnectionDirectory connections, TimeProvider clock) : IReplyPolicy
{
    public async Task<string?> RefusalAsync(Conversation conversation, MessagePayload? payload, CancellationToken ct)
    {
        if (conversation.IsPublic)
        {
            // A reply would go as a private message to the commenter: refused until public replies are sent as such.
            return "Replies to public conversations are not available yet: answer on the network, or write to the customer in private.";
        }

        if (payload?.Template is { } template)
        {
            if (conversation.Channel != ChannelKind.WhatsApp)
            {
                return "Templates are sent on WhatsApp only.";
            }

            var known = (await connections.FindByInboxAsync(conversation.InboxId, ct))?.Settings.Templates
                .FirstOrDefault(t => t.Name == template.Name && t.Language == template.Language);
            if (known is null)
            {
                return $"\"{template.Name}\" ({template.Language}) is not an approved template of this number.";
            }

            return template.Parameters.Count != known.ParameterCount || template.Parameters.Any(string.IsNullOrWhiteSpace)
                ? $"\"{template.Name}\" takes {known.ParameterCount} values, each filled in."
                : null;
        }

        var window = ReplyWindows.For(conversation.Channel, conversation.LastCustomerMessageAt, clock.GetUtcNow().UtcDateTime);
        return window.FreeTextAllowed ? null : window.Explanation;
    }
}
