using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Channels;

/// <summary>A connection as an admin (or configuration) describes it. A null secret on an update keeps the stored one.</summary>
public sealed record ConnectionDraft(
    ChannelKind Kind,
    long AccountId,
    string Name,
    string ExternalId,
    string? AccessToken,
    string? AppSecret,
    string? VerifyToken,
    double? RatePerSecond = null,
    bool Enabled = true,
    ConnectionSettings? Settings = null);

/// <summary>
/// Creates and changes connections, each with its inbox (named like it, with no bot settings of its own at first, so it
/// behaves like the account's website: <see cref="InboxDirectory.FindAsync"/>). Secrets are protected before they are stored.
/// </summary>
public sealed class ConnectionAdmin(
    IDbContextFactory<ParleyDb> dbs, ConnectionSecrets secrets, ConnectionDirectory directory, InboxDirectory inboxes, TimeProvider clock)
{
    public async Task<Connection> CreateAsync(ConnectionDraft draft, bool declared, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var inbox = new Inbox { AccountId = draft.AccountId, Name = draft.Name, Channel = draft.Kind, SettingsJson = string.Empty, CreatedAt = now };
        db.Inboxes.Add(inbox);
        await db.SaveChangesAsync(ct);
        var connection = new Connection
        {
            InboxId = inbox.Id,
            Kind = draft.Kind,
            ExternalId = draft.ExternalId,
            Declared = declared,
            SettingsJson = (draft.Settings ?? new ConnectionSettings()).ToJson(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        Apply(connection, draft, now);
        db.Connections.Add(connection);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return connection;
    }

    /// <returns>The connection, or null when there is none with that id.</returns>
    public async Task<Connection?> UpdateAsync(long id, ConnectionDraft draft, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var connection = await db.Connections.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (connection is null)
        {
            return null;
        }

        directory.Forget(connection);
        connection.ExternalId = draft.ExternalId;
        if (draft.Settings is not null)
        {
            // Templates are what an admin edits; where the API is (the demo's simulator) stays.
            connection.SettingsJson = (ConnectionSettings.Parse(connection.SettingsJson) with { Templates = draft.Settings.Templates }).ToJson();
        }

        Apply(connection, draft, clock.GetUtcNow().UtcDateTime);
        await db.Inboxes.Where(i => i.Id == connection.InboxId).ExecuteUpdateAsync(s => s.SetProperty(i => i.Name, draft.Name), ct);
        await db.SaveChangesAsync(ct);
        directory.Forget(connection);
        inboxes.Forget(connection.InboxId);
        return connection;
    }

    /// <summary>Creates or updates the connection that configuration declares (found by kind and platform id).</summary>
    public async Task<Connection> SaveDeclaredAsync(ConnectionDraft draft, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var existing = await db.Connections.AsNoTracking()
            .Where(c => c.Kind == draft.Kind && c.ExternalId == draft.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(ct);
        if (existing is { } id)
        {
            await db.Connections.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Declared, true), ct);
            return (await UpdateAsync(id, draft, ct))!;
        }

        try
        {
            return await CreateAsync(draft, declared: true, ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another node starting with the same configuration saved it first.
            return await SaveDeclaredAsync(draft, ct);
        }
    }

    private void Apply(Connection connection, ConnectionDraft draft, DateTime now)
    {
        connection.Enabled = draft.Enabled;
        connection.RatePerSecond = draft.RatePerSecond;
        connection.AccessToken = draft.AccessToken is null ? connection.AccessToken : secrets.Protect(draft.AccessToken);
        connection.AppSecret = draft.AppSecret is null ? connection.AppSecret : secrets.Protect(draft.AppSecret);
        connection.VerifyToken = draft.VerifyToken is null ? connection.VerifyToken : secrets.Protect(draft.VerifyToken);
        connection.UpdatedAt = now;
    }
}
