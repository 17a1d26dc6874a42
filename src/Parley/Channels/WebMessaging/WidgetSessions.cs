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
    WidgetRevocations revocations,
    IDbContextFactory<ParleyDb> dbs,
    IMemoryCache cache,
    TimeProvider clock,
    IOptions<WidgetSessionOptions> options)
{
    /// <summary>How long another node may go on accepting a revoked contact's tokens (until its next read of the revocations).</summary>
    public static readonly TimeSpan RevocationDelay = WidgetRevocations.PollInterval;

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
    public async Task<WidgetClaims?> ValidateAsync(string? token, TokenPurpose purpose, CancellationToken ct)
    {
        var tokens = await ring.TokensAsync(null, ct);
        if (tokens.Validate(token, purpose, clock.GetUtcNow()) is { } claims)
        {
            return claims;
        }

        // Signed by a key this node does not know yet (rotated on another node): look at the ring again, then once more.
        return WidgetTokens.KeyIdOf(token) is { } keyId && !tokens.HasKey(keyId)
            ? (await ring.TokensAsync(keyId, ct)).Validate(token, purpose, clock.GetUtcNow())
            : null;
    }

    /// <summary>The caller of valid claims; null when the contact's sessions were revoked after the token was issued, or it is gone.</summary>
    public async Task<WidgetCaller?> ResolveAsync(WidgetClaims claims, CancellationToken ct)
    {
        // Which contact a subject is never changes once known: cached while in use. Whether it was revoked comes from
        // the node's revocation list, which every node rereads every few seconds.
        var key = ("widget-contact", claims.InboxId, claims.Subject);
        if (!cache.TryGetValue(key, out long contactId))
        {
            var lookup = claims.ContactId is { } id ? await ExistingAsync(id, ct) : await contacts.FindAsync(claims.InboxId, GuestExternalId(claims.GuestId!), ct);
            if (lookup is null)
            {
                // A guest who has not written yet has no contact; a signed-in customer's contact always exists.
                return claims.GuestId is null ? null : new WidgetCaller(claims.InboxId, 0, claims);
            }

            contactId = lookup.Value.ContactId;
            cache.Set(key, contactId, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        }

        return await revocations.RevokedAtAsync(contactId, ct) is { } revoked && claims.IssuedAt.UtcDateTime <= revoked
            ? null
            : new WidgetCaller(claims.InboxId, contactId, claims);
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
        if (changed > 0)
        {
            revocations.Add(contactId, now);
        }

        return changed > 0;
    }

    private async Task<(long ContactId, DateTime? SessionsRevokedAt)?> ExistingAsync(long contactId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Contacts.AsNoTracking().AnyAsync(c => c.Id == contactId, ct) ? (contactId, null) : null;
    }
}
