using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots.Public;

/// <summary>A connection's public bot as a channel manager sees it, with the queues it may send public conversations to.</summary>
public sealed record PublicBotView(
    long ConnectionId, ChannelKind Kind, long AccountId, string Name, bool Declared, PublicBotSettings Settings, IReadOnlyList<QueueChoice> Queues);

public sealed record QueueChoice(long Id, string Name);

/// <summary>A post's crisis flag as the console sets it.</summary>
public sealed record CrisisInput(bool Crisis);

public sealed record CrisisView(long PostId, bool Crisis, DateTime? Since);

public sealed record PublicBotResult(ManagementOutcome Outcome, string? Problem = null, object? Value = null);

/// <summary>
/// The channel managers' (and admins') choices for public messages, in their own accounts only: a connection's public bot
/// and routing (<see cref="PublicBotSettings"/>, saved with the connection's settings, declared connections included:
/// configuration declares credentials, not the bot), and the crisis flag of a post, which puts the open threads under it
/// first in their queues.
/// </summary>
public sealed class PublicBotManagement(
    IDbContextFactory<ParleyDb> dbs, ConnectionDirectory directory, RoutingSignal routing, TimeProvider clock)
{
    public const string Refusal = "Only channel managers and admins choose the bot of public messages.";

    public async Task<PublicBotResult> GetAsync(AdvisorSession advisor, long connectionId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await FindAsync(db, advisor, connectionId, ct) is { } found
            ? new PublicBotResult(ManagementOutcome.Done, Value: await ViewAsync(db, found.Connection, found.AccountId, found.Name, ct))
            : Missing(advisor);
    }

    public async Task<PublicBotResult> SaveAsync(AdvisorSession advisor, long connectionId, PublicBotSettings? settings, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await FindAsync(db, advisor, connectionId, ct) is not { } found)
        {
            return Missing(advisor);
        }

        if (settings is null)
        {
            return new PublicBotResult(ManagementOutcome.Invalid, "Send the public bot's settings.");
        }

        if (settings.Problem() is { } problem)
        {
            return new PublicBotResult(ManagementOutcome.Invalid, problem);
        }

        // Checked under the queue's shared lock in the saving transaction, so a deletion meanwhile either sees this bot or refuses it.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (settings.QueueId is { } queueId && !await Routing.QueueLocks.ShareAsync(db, found.AccountId, queueId, ct))
        {
            return new PublicBotResult(ManagementOutcome.Invalid, "The queue of public conversations is not one of the connection's account.");
        }

        var clean = settings with
        {
            Keywords = settings.Keywords.Select(k => k.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            VipHandles = settings.VipHandles.Select(h => h.Trim().TrimStart('@')).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        };
        var connection = found.Connection;
        connection.SettingsJson = (ConnectionSettings.Parse(connection.SettingsJson) with { PublicBot = clean }).ToJson();
        connection.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        directory.Forget(connection);
        return new PublicBotResult(ManagementOutcome.Done, Value: await ViewAsync(db, connection, found.AccountId, found.Name, ct));
    }

    /// <summary>The crisis state of the post a public conversation hangs on; null when there is none in the advisor's accounts.</summary>
    public async Task<CrisisView?> CrisisOfConversationAsync(AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var post = await (from c in db.Conversations
                          where c.Id == conversationId
                          join p in db.SocialPosts on c.PostId equals (long?)p.Id
                          select new { p.Id, p.AccountId, p.CrisisSince }).FirstOrDefaultAsync(ct);
        return post is null || !advisor.CanAccess(post.AccountId) ? null : new CrisisView(post.Id, post.CrisisSince is not null, post.CrisisSince);
    }

    /// <summary>
    /// Flags a post in crisis (or no longer): its threads then go to humans, first; those already waiting in a queue move
    /// up to the crisis priority of their connection at once.
    /// </summary>
    public async Task<PublicBotResult> FlagCrisisAsync(AdvisorSession advisor, long postId, bool crisis, CancellationToken ct)
    {
        if (!advisor.CanEditFlows)
        {
            return new PublicBotResult(ManagementOutcome.Forbidden, "Only channel managers and admins flag a post in crisis.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var post = await db.SocialPosts.FirstOrDefaultAsync(p => p.Id == postId, ct);
        if (post is null || !advisor.CanAccess(post.AccountId))
        {
            return new PublicBotResult(ManagementOutcome.NotFound, "No such post in your accounts.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        post.CrisisSince = crisis ? post.CrisisSince ?? now : null;
        post.CrisisFlaggedBy = crisis ? advisor.Id : null;
        post.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        if (crisis)
        {
            var settings = (await directory.FindByInboxAsync(post.InboxId, ct))?.Settings.PublicBot ?? new PublicBotSettings();
            var priority = settings.CrisisPriority;
            var moved = await db.Conversations
                .Where(c => c.PostId == postId && c.Status == ConversationStatus.Queued && c.Priority < priority)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Priority, priority).SetProperty(c => c.Version, c => c.Version + 1).SetProperty(c => c.UpdatedAt, now), ct);
            if (moved > 0)
            {
                routing.Ring();
            }
        }

        return new PublicBotResult(ManagementOutcome.Done, Value: new CrisisView(post.Id, post.CrisisSince is not null, post.CrisisSince));
    }

    private static PublicBotResult Missing(AdvisorSession advisor) => advisor.CanEditFlows
        ? new PublicBotResult(ManagementOutcome.NotFound, "No such connection in your accounts.")
        : new PublicBotResult(ManagementOutcome.Forbidden, Refusal);

    /// <summary>The connection (tracked), if the advisor may choose its public bot.</summary>
    private static async Task<(Connection Connection, long AccountId, string Name)?> FindAsync(ParleyDb db, AdvisorSession advisor, long connectionId, CancellationToken ct)
    {
        if (!advisor.CanEditFlows)
        {
            return null;
        }

        var row = await db.Connections.Where(c => c.Id == connectionId)
            .Join(db.Inboxes, c => c.InboxId, i => i.Id, (c, i) => new { Connection = c, i.AccountId, i.Name })
            .FirstOrDefaultAsync(ct);
        return row is null || !advisor.CanAccess(row.AccountId) ? null : (row.Connection, row.AccountId, row.Name);
    }

    private static async Task<PublicBotView> ViewAsync(ParleyDb db, Connection connection, long accountId, string name, CancellationToken ct)
    {
        var queues = await db.Queues.AsNoTracking().Where(q => q.AccountId == accountId).OrderBy(q => q.Name)
            .Select(q => new QueueChoice(q.Id, q.Name)).ToListAsync(ct);
        return new PublicBotView(connection.Id, connection.Kind, accountId, name, connection.Declared,
            ConnectionSettings.Parse(connection.SettingsJson).PublicBot, queues);
    }
}
