using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Parley.Contacts;
using Parley.Data;

namespace Parley.Channels.WebMessaging;

/// <summary>How long widget tokens last (section <c>WebMessaging:Sessions</c>).</summary>
public sealed class WidgetSessionOptions
{
    public const string Section = "WebMessaging:Sessions";

    /// <summary>A session token's life; the widget refreshes it silently before it ends.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A refresh token's life: how long a customer may stay away and come back to the same conversation.</summary>
    public TimeSpan RefreshLifetime { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Who a widget request speaks for: an inbox and its contact (0 for a guest who has not written yet).</summary>
public sealed record WidgetCaller(long InboxId, long ContactId, WidgetClaims Claims)
{
    public bool HasContact => ContactId > 0;
}

/// <summary>A new pair of widget tokens.</summary>
public sealed record IssuedSession(string Token, DateTimeOffset ExpiresAt, TimeSpan Lifetime, string RefreshToken, DateTimeOffset RefreshExpiresAt);

/// <summary>
/// Widget sessions: issuing and checking tokens, the contact behind them, and revoking a contact's sessions. A guest's
/// session stores nothing: the contact is created when the guest opens the conversation or writes, so anonymous sessions
/// never grow the database.
/// </summary>
public sealed class WidgetSessions(
    ContactDirectory contacts,
    WidgetKeyRing ring,
    IDbContextFactory<ParleyDb> dbs,
    IMemoryCache cache,
    TimeProvider clock,
    IOptions<WidgetSessionOptions> options)
{
    /// <summary>How long a node may go on accepting a revoked contact's tokens (its cache of the contact's revocation time).</summary>
    public static readonly TimeSpan RevocationDelay = TimeSpan.FromSeconds(5);

    public static string NewGuestId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string GuestExternalId(string guestId) => $"guest:{guestId}";

    public static string UserExternalId(string userId) => $"user:{userId}";

    public async Task<IssuedSession> IssueAsync(long inboxId, string subject, CancellationToken ct)
    {
        var tokens = await ring.TokensAsync(null, ct);
        var now = clock.GetUtcNow();
        var (token, expires) = tokens.Issue(TokenPurpose.Session, inboxId, subject, now, options.Value.TokenLifetime);
        var (refresh, refreshExpires) = tokens.Issue(TokenPurpose.Refresh, inboxId, subject, now, options.Value.RefreshLifetime);
        return new IssuedSession(token, expires, options.Value.TokenLifetime, refresh, refreshExpires);
    }

    public async Task<(string Ticket, DateTimeOffset ExpiresAt)> IssueStreamTicketAsync(WidgetCaller caller, CancellationToken ct) =>
        (await ring.TokensAsync(null, ct)).IssueStreamTicket(caller.Claims, clock.GetUtcNow());

    /// <summary>The claims of a valid token of this purpose, signed by a key of the ring; null otherwise.</summary>
    public async Task<WidgetClaims?> ValidateAsync(string? token, TokenPurpose purpose, CancellationToken ct) =>
        WidgetTokens.KeyIdOf(token) is { } keyId
            ? (await ring.TokensAsync(keyId, ct)).Validate(token, purpose, clock.GetUtcNow())
            : null;

    /// <summary>The caller of valid claims; null when the contact's sessions were revoked after the token was issued, or it is gone.</summary>
    public async Task<WidgetCaller?> ResolveAsync(WidgetClaims claims, CancellationToken ct)
    {
        var key = ("widget-contact", claims.InboxId, claims.Subject);
        if (!cache.TryGetValue(key, out (long ContactId, DateTime? RevokedAt) found))
        {
            var lookup = claims.ContactId is { } contactId
                ? await ByIdAsync(contactId, ct)
                : await contacts.FindAsync(claims.InboxId, GuestExternalId(claims.GuestId!), ct);
            if (lookup is null)
            {
                // A guest who has not written yet has no contact; a signed-in customer's contact always exists.
                return claims.GuestId is null ? null : new WidgetCaller(claims.InboxId, 0, claims);
            }

            found = lookup.Value;
            cache.Set(key, found, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RevocationDelay });
        }

        return found.RevokedAt is { } revoked && claims.IssuedAt.UtcDateTime <= revoked
            ? null
            : new WidgetCaller(claims.InboxId, found.ContactId, claims);
    }

    /// <summary>The caller with a contact: a guest's is created on first need (opening the conversation, writing).</summary>
    public async Task<WidgetCaller> EnsureContactAsync(Inbox inbox, WidgetCaller caller, CancellationToken ct)
    {
        if (caller.HasContact)
        {
            return caller;
        }

        var contactId = await contacts.FindOrCreateAsync(inbox, GuestExternalId(caller.Claims.GuestId!), verified: false, profile: null, ct);
        return caller with { ContactId = contactId };
    }

    /// <summary>Ends every widget session of the contact at once (on this node; on the others within <see cref="RevocationDelay"/>).</summary>
    public async Task<bool> RevokeAsync(long contactId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.Contacts.Where(c => c.Id == contactId).ExecuteUpdateAsync(u => u.SetProperty(c => c.SessionsRevokedAt, now), ct);
        var identities = await db.ContactIdentities.AsNoTracking().Where(i => i.ContactId == contactId).ToListAsync(ct);
        foreach (var identity in identities)
        {
            cache.Remove(("widget-contact", identity.InboxId, WidgetClaims.ContactSubject(contactId)));
            if (identity.ExternalId.StartsWith("guest:", StringComparison.Ordinal))
            {
                cache.Remove(("widget-contact", identity.InboxId, WidgetClaims.GuestSubject(identity.ExternalId["guest:".Length..])));
            }
        }

        return changed > 0;
    }

    private async Task<(long, DateTime?)?> ByIdAsync(long contactId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var contact = await db.Contacts.AsNoTracking().Where(c => c.Id == contactId).Select(c => new { c.Id, c.SessionsRevokedAt }).FirstOrDefaultAsync(ct);
        return contact is null ? null : (contact.Id, contact.SessionsRevokedAt);
    }
}
