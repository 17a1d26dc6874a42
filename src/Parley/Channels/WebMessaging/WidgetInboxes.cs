using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Data;

namespace Parley.Channels.WebMessaging;

/// <summary>A website inbox with its widget's settings.</summary>
public sealed record WidgetInbox(Inbox Inbox, WebWidget Widget);

/// <summary>
/// Website inboxes by the public key in the widget's data-inbox attribute, cached like <see cref="InboxDirectory"/>. A key
/// that cannot be one is refused before any lookup, so callers cannot fill the cache with keys of their choosing.
/// </summary>
public sealed class WidgetInboxes(IDbContextFactory<ParleyDb> dbs, IMemoryCache cache, InboxDirectory inboxes)
{
    public const int MaxKeyLength = 64;

    /// <summary>What a public key looks like: 1 to 64 ASCII letters, digits, '-' or '_'.</summary>
    public static bool IsWellFormedKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public async Task<WidgetInbox?> FindByKeyAsync(string publicKey, CancellationToken cancellationToken)
    {
        if (!IsWellFormedKey(publicKey))
        {
            return null;
        }

        var widget = await InboxDirectory.FindAsync(cache, dbs, ("widget-key", publicKey),
            db => db.WebWidgets.AsNoTracking().FirstOrDefaultAsync(w => w.PublicKey == publicKey, cancellationToken));
        return widget is not null && await inboxes.FindAsync(widget.InboxId, cancellationToken) is { } inbox
            ? new WidgetInbox(inbox, widget)
            : null;
    }
}
