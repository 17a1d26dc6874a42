using Parley.Conversations;

namespace Parley.Channels;

/// <summary>
/// The platforms' rules for an advisor's message: free text inside the window (<see cref="ReplyWindows"/>), an approved
/// template on WhatsApp; in a public conversation, a public reply within the network's length (<see cref="PublicReplyRules"/>),
/// which no messaging window limits.
/// </summary>
public sealed class ChannelReplyPolicy(ConnectionDirectory connections, TimeProvider clock) : IReplyPolicy
{
    public async Task<string?> RefusalAsync(Conversation conversation, MessagePayload? payload, CancellationToken ct)
    {
        if (conversation.IsPublic)
        {
            return payload?.Template is not null ? "Templates are sent on WhatsApp only." : null;
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

    public string? TextRefusal(Conversation conversation, string text, string? advisorName) =>
        conversation.IsPublic ? PublicReplyRules.TextRefusal(conversation.Channel, OutboundMessage.WithSignature(text, AuthorKind.Advisor, advisorName)) : null;
}
