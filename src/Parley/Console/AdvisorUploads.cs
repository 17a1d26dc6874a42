using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Media;
using Parley.Channels.WebMessaging;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

/// <summary>
/// A file the advisor attaches in the composer: checked like the widget's uploads (<see cref="AttachmentRules"/>: size,
/// type proven by the bytes, no markup), then sent as an attachment message of the conversation.
/// </summary>
/// <remarks>
/// Files are kept in Parley and fetched from it: a pull channel (the website's widget) shows them with their download
/// link; Messenger, Instagram and WhatsApp fetch them by a signed, expiring link under <c>Parley:PublicUrl</c>
/// (<see cref="MediaLinks"/>); X gets them uploaded at send time (<see cref="Channels.X.XMediaUpload"/>). Without the public
/// address on a link channel, and for a type or size the channel does not carry (<see cref="ChannelFiles"/>), the console
/// says before sending that the file cannot go, instead of sending the file's name alone.
/// </remarks>
public sealed class AdvisorUploads(IDbContextFactory<ParleyDb> dbs, ConversationActions actions, ChannelConnectors connectors, MediaLinks links)
{
    public const string NotCarried = "Files cannot be sent on this channel from the console: share a link in a reply instead.";
    public const string NotInPublic = "A public reply cannot carry a file: reply in private to send one.";

    /// <summary>Why no file can be attached in a conversation of this channel (shown beside the attach button), or null.</summary>
    public string? Refusal(ChannelKind channel, bool isPublic)
    {
        if (isPublic)
        {
            return NotInPublic;
        }

        if (connectors.Find(channel)?.Capabilities.PullDelivery == true)
        {
            return null;
        }

        if (ChannelFiles.ByUpload(channel))
        {
            return null;
        }

        return !ChannelFiles.ByLink(channel) ? NotCarried : links.HasPublicUrl ? null : MediaLinks.NoPublicUrl;
    }

    /// <summary>The content types the attach button offers in a conversation of this channel (the server still checks each file).</summary>
    public static IReadOnlyList<string> AcceptedTypes(ChannelKind channel) => ChannelFiles.Types(channel);

    /// <summary>Reads at most <see cref="AttachmentRules.MaxBytes"/> of <paramref name="file"/>, checks it and sends it.</summary>
    public async Task<ActionOutcome> SendAsync(AdvisorSession advisor, long conversationId, string? fileName, Stream file, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId)
            .Select(c => new { c.AccountId, c.Channel, c.IsPublic }).FirstOrDefaultAsync(ct);
        if (conversation is null || !advisor.CanAccess(conversation.AccountId))
        {
            return ActionOutcome.Fail("Conversation not found.");
        }

        if (Refusal(conversation.Channel, conversation.IsPublic) is { } refusal)
        {
            return ActionOutcome.Fail(refusal);
        }

        using var buffer = new MemoryStream();
        var read = new byte[81920];
        int count;
        while ((count = await file.ReadAsync(read, ct)) > 0)
        {
            if (buffer.Length + count > AttachmentRules.MaxBytes)
            {
                return ActionOutcome.Fail($"Files are limited to {AttachmentRules.MaxBytes / (1024 * 1024)} MB.");
            }

            buffer.Write(read, 0, count);
        }

        var data = buffer.ToArray();
        if (data.Length == 0)
        {
            return ActionOutcome.Fail("The file is empty.");
        }

        if (AttachmentRules.Check(data, fileName, out var why) is not { } accepted)
        {
            return ActionOutcome.Fail(why);
        }

        return ChannelFiles.Refusal(conversation.Channel, accepted.ContentType, data.LongLength) is { } notOnChannel
            ? ActionOutcome.Fail(notOnChannel)
            : await actions.SendAttachmentAsync(advisor, conversationId, new NewAttachment(accepted.FileName, accepted.ContentType, data), ct);
    }
}
