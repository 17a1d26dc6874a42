using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels;

/// <summary>
/// Reads from the network the posts that public threads hang on when their webhook named them by id only (a Facebook
/// comment, an Instagram comment, a reply to a tweet), so the console shows the post's text, link and picture above the
/// thread. In the background, once per post: a node claims a post in the database before it calls the network, so
/// several nodes never read the same one twice, and a refusal is logged, not retried (the thread works without it).
/// </summary>
public sealed class PostDetails(
    IDbContextFactory<ParleyDb> dbs,
    ConnectionDirectory connections,
    InboxDirectory inboxes,
    IEnumerable<IPublicPlatform> platforms,
    PublicThreads threads,
    PostDetailsSignal signal,
    TimeProvider clock,
    ILogger<PostDetails> logger) : BackgroundService
{
    private const int BatchSize = 20;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await FetchAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Reading posts' details failed");
            }

            await signal.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken);
        }
    }

    /// <summary>One pass over posts still to be read; returns how many it claimed.</summary>
    public async Task<int> FetchAsync(CancellationToken ct)
    {
        List<(long Id, long InboxId, string PlatformPostId)> waiting;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            waiting = (await db.SocialPosts.AsNoTracking().Where(p => p.DetailsFetchedAt == null && p.Text == null)
                .OrderBy(p => p.Id).Take(BatchSize).Select(p => new { p.Id, p.InboxId, p.PlatformPostId }).ToListAsync(ct))
                .Select(p => (p.Id, p.InboxId, p.PlatformPostId)).ToList();
        }

        var claimed = 0;
        foreach (var (id, inboxId, platformPostId) in waiting)
        {
            if (!await ClaimAsync(id, ct))
            {
                continue;
            }

            claimed++;
            await ReadAsync(inboxId, platformPostId, ct);
        }

        return claimed;
    }

    private async Task<bool> ClaimAsync(long postId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.SocialPosts.Where(p => p.Id == postId && p.DetailsFetchedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.DetailsFetchedAt, now), ct) == 1;
    }

    private async Task ReadAsync(long inboxId, string platformPostId, CancellationToken ct)
    {
        if (await inboxes.FindAsync(inboxId, ct) is not { } inbox
            || await connections.FindByInboxAsync(inboxId, ct) is not { } connection
            || platforms.FirstOrDefault(p => p.Handles(inbox.Channel)) is not { } platform)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CallTimeout);
        PublicPost? post;
        try
        {
            post = await platform.PostAsync(inbox.Channel, connection, platformPostId, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not read post {PostId} from {Channel}", platformPostId, inbox.Channel);
            return;
        }

        if (post is null)
        {
            logger.LogInformation("{Channel} did not give post {PostId}: the console shows its thread without it", inbox.Channel, platformPostId);
            return;
        }

        await threads.PostAsync(inbox, post, ct);
    }
}
