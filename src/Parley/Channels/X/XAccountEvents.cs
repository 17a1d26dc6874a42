using System.Text.Json;
using Parley.Channels.Webhooks;
using Parley.Contacts;

namespace Parley.Channels.X;

/// <summary>What every event of one Account Activity POST shares: the account it is for, its inbox, and the users it names.</summary>
public sealed record XWebhookContext(ConnectionCredentials Connection, Inbox Inbox, JsonElement Users)
{
    /// <summary>
    /// A user's profile from the payload's <c>users</c> map, or null when the map does not name them (nothing to change).
    /// Only the name and picture: X shares no email or phone number.
    /// </summary>
    public ContactProfile? Profile(string userId)
    {
        if (Users.ValueKind != JsonValueKind.Object || !Users.TryGetProperty(userId, out var user) || user.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var name = PlatformText.Of(user, "name") is { Length: > 0 } n ? n : PlatformText.Of(user, "screen_name");
        var avatar = PlatformText.Of(user, "profile_image_url_https") is { } url && url.StartsWith("https://", StringComparison.Ordinal) ? url : null;
        return name is null && avatar is null ? null : new ContactProfile(name, null, null, avatar);
    }
}

/// <summary>
/// One kind of Account Activity event: the payload's array <see cref="Property"/> (direct_message_events...). A new kind
/// (tweet_create_events for public conversations) is one more implementation, registered in <see cref="XExtensions"/>.
/// </summary>
public interface IXAccountEvents
{
    string Property { get; }

    /// <summary>
    /// Reads the events without storing anything, when the webhook is received; returns the keys whose events must be
    /// stored in order (a customer of the account).
    /// </summary>
    /// <exception cref="XPayloadException">An event is not in the documented format: the webhook is refused.</exception>
    IEnumerable<string> Read(JsonElement events, ConnectionCredentials connection);

    /// <summary>Stores the events durably (returns once they are).</summary>
    /// <exception cref="XPayloadException">An event is not in the documented format.</exception>
    Task HandleAsync(JsonElement events, XWebhookContext context, CancellationToken ct);
}
