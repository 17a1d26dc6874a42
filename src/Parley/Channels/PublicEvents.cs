using System.Globalization;
using System.Text.Json;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;

namespace Parley.Channels;

public enum PublicChange
{
    Added,
    Edited,
    Removed,
}

/// <summary>One public message event as a network reported it: a comment, a reply, a visitor's post, a mention.</summary>
/// <param name="MessageId">The platform's id of the comment, post or tweet: the message's channel message id.</param>
/// <param name="Post">The post the thread hangs on (for a visitor's post: the post itself).</param>
/// <param name="AuthorId">The customer's id on the platform; may be missing on a removal.</param>
/// <param name="ParentId">The comment it replies to, when it is a reply to a comment.</param>
/// <param name="Author">The author's handle and follower count, when the network gave them (the public bot's rules read them).</param>
public sealed record PublicEvent(
    PublicChange Change,
    string MessageId,
    PublicPost Post,
    string? AuthorId = null,
    string? Text = null,
    string? ParentId = null,
    ContactProfile? Profile = null,
    IReadOnlyList<ChannelMedia>? Media = null,
    PublicAuthor? Author = null);

/// <summary>
/// What one public change of a webhook asks, read when the webhook came: a customer's event to store, the brand's own
/// post to record (so threads under it show it), or a mention to look up (its webhook names ids only).
/// </summary>
/// <param name="OrderKey">The events of one customer of one account are stored in order.</param>
public sealed record PublicItem(string OrderKey, PublicEvent? Event = null, PublicPost? BrandPost = null, string? MentionCommentId = null, string? MentionMediaId = null);

/// <summary>
/// Stores public events the networks' webhooks read, the same way for every network: a new comment becomes a customer's
/// message in their thread under the post (<see cref="PublicThreads"/>), once per platform id; an edit changes it (or
/// stores it, when its first version never came); a removal marks it deleted.
/// </summary>
public sealed class PublicEventSink(ContactDirectory contacts, ConversationEngine engine, PublicThreads threads, ILogger<PublicEventSink> logger)
{
    public async Task HandleAsync(Inbox inbox, PublicItem item, CancellationToken ct)
    {
        if (item.BrandPost is { } post)
        {
            await threads.PostAsync(inbox, post, ct);
        }

        if (item.Event is { } e)
        {
            await HandleAsync(inbox, e, ct);
        }
    }

    public async Task HandleAsync(Inbox inbox, PublicEvent e, CancellationToken ct)
    {
        switch (e.Change)
        {
            case PublicChange.Removed:
                if (!await threads.RemoveAsync(inbox, e.MessageId, ct))
                {
                    logger.LogInformation("A public message {MessageId} Parley never stored was deleted; nothing to do", e.MessageId);
                }

                return;
            case PublicChange.Edited when await threads.EditAsync(inbox, e.MessageId, e.Text, ct):
                return;
        }

        if (e.AuthorId is null)
        {
            logger.LogInformation("A public message {MessageId} without its author was ignored", e.MessageId);
            return;
        }

        var postId = await threads.PostAsync(inbox, e.Post, ct);
        var contact = await contacts.FindOrCreateAsync(inbox, e.AuthorId, verified: true, e.Profile, ct);
        var media = e.Media is { Count: > 0 };
        var author = e.Author is { Handle: not null } or { Followers: not null } ? e.Author : null;
        await engine.AcceptAsync(new InboundMessage(inbox, contact, e.MessageId, media ? ContentType.Media : ContentType.Text,
            e.Text ?? (media ? null : string.Empty), AuthorName: e.Profile?.Name,
            Payload: media || author is not null ? new MessagePayload(Media: media ? e.Media : null, Author: author) : null,
            Thread: new PublicThread(postId, e.ParentId)), ct);
    }
}

/// <summary>Reading public events' common fields in the networks' formats.</summary>
public static class PublicFields
{
    /// <summary>A platform id: a non-empty string or number of at most 128 characters, else null.</summary>
    public static string? Id(JsonElement e, string property) => PlatformText.Of(e, property) is { Length: > 0 and <= 128 } id ? id : null;

    public static JsonElement? Child(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// <summary>Only http(s) addresses are kept: the console shows them as links and images.</summary>
    public static string? WebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && url!.Length <= 2048 ? u.ToString() : null;

    /// <summary>A time as Unix seconds (Facebook's created_time), Unix milliseconds in a string (X's timestamp_ms) or ISO 8601.</summary>
    public static DateTime? Time(JsonElement e, string property, bool milliseconds = false)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(property, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            || value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n))
        {
            var max = milliseconds ? 253402300799999 : 253402300799;
            return n > 0 && n < max ? (milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(n) : DateTimeOffset.FromUnixTimeSeconds(n)).UtcDateTime : null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: >= 10 and <= 40 } text)
        {
            return null;
        }

        // Meta writes offsets without a colon (2017-05-04T16:38:58+0000).
        if (text.Length > 5 && text[^5] is '+' or '-' && text[^4..].All(char.IsAsciiDigit))
        {
            text = $"{text[..^2]}:{text[^2..]}";
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;
    }
}
