using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>
/// Runs the bot or routing for each stored customer message, in order per conversation. Conversations are
/// spread over a few partitions by id, so one conversation is only ever handled by one loop at a time.
/// On start, and every half minute, it picks up messages left unprocessed (for example by a crash).
/// </summary>
public sealed class InboundProcessor(
    IDbContextFactory<ParleyDb> dbs,
    InboundSignal signal,
    ConversationWriter writer,
    ILogger<InboundProcessor> logger) : BackgroundService
{
    private const int Partitions = 4;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var partitions = Enumerable.Range(0, Partitions)
            .Select(_ => Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true }))
            .ToArray();
        var loops = partitions.Select(p => RunPartitionAsync(p.Reader, stoppingToken)).ToList();
        loops.Add(SweepAsync(stoppingToken));
        try
        {
            await foreach (var conversationId in signal.Reader.ReadAllAsync(stoppingToken))
            {
                partitions[conversationId % Partitions].Writer.TryWrite(conversationId);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        foreach (var partition in partitions)
        {
            partition.Writer.TryComplete();
        }

        await Task.WhenAll(loops);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var db = await dbs.CreateDbContextAsync(stoppingToken);
                var pending = await db.Messages.Where(m => !m.Processed).Select(m => m.ConversationId).Distinct().ToListAsync(stoppingToken);
                foreach (var id in pending)
                {
                    signal.Ring(id);
                }

                await Task.Delay(SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Sweep for unprocessed messages failed");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    private async Task RunPartitionAsync(ChannelReader<long> reader, CancellationToken stoppingToken)
    {
        await foreach (var conversationId in reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                while (await ProcessNextAsync(conversationId, stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Left unprocessed: the sweep tries again.
                logger.LogError(e, "Processing conversation {ConversationId} failed", conversationId);
            }
        }
    }

    /// <summary>Processes the oldest unprocessed message of the conversation; false when there was none.</summary>
    public async Task<bool> ProcessNextAsync(long conversationId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryProcessNextAsync(conversationId, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // An advisor changed the conversation meanwhile: redo the step on the fresh state.
            }
        }
    }

    private async Task<bool> TryProcessNextAsync(long conversationId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var message = await db.Messages
            .Where(m => m.ConversationId == conversationId && !m.Processed)
            .OrderBy(m => m.Seq)
            .FirstOrDefaultAsync(cancellationToken);
        if (message is null)
        {
            return false;
        }

        var conversation = await db.Conversations.FirstAsync(c => c.Id == conversationId, cancellationToken);
        var inbox = await db.Inboxes.AsNoTracking().FirstAsync(i => i.Id == conversation.InboxId, cancellationToken);
        var settings = InboxSettings.Parse(inbox.SettingsJson);
        var events = new List<ConversationEvent>();
        conversation.LastCustomerMessageAt = message.CreatedAt;
        switch (conversation.Status)
        {
            case ConversationStatus.WithBot:
                var turn = BotRuntime.OnCustomerMessage(conversation.BotState, message.Text, message.ReplyTo, settings);
                await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, turn, events, cancellationToken);
                break;
            case ConversationStatus.WaitingForCustomer:
                conversation.Status = ConversationStatus.Assigned;
                writer.Touch(conversation);
                events.Add(ConversationWriter.Changed(conversation));
                break;
            case ConversationStatus.Resolved:
                await ReopenAsync(db, conversation, inbox, settings, events, cancellationToken);
                break;
            default:
                writer.Touch(conversation);
                break;
        }

        message.Processed = true;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        writer.Publish(events);
        return true;
    }

    /// <summary>The customer wrote again after resolution: back to the queue it was in, or to the bot.</summary>
    private async Task ReopenAsync(ParleyDb db, Conversation conversation, Inbox inbox, InboxSettings settings, List<ConversationEvent> events, CancellationToken cancellationToken)
    {
        conversation.ResolvedAt = null;
        Reporting.Record(db, conversation, ReportingEventNames.Reopened, conversation.LastCustomerMessageAt ?? conversation.UpdatedAt);
        if (conversation.QueueId is { } queueId)
        {
            await writer.QueueAsync(db, conversation, queueId, events, cancellationToken);
            return;
        }

        conversation.Status = ConversationStatus.WithBot;
        await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, BotRuntime.Start(settings), events, cancellationToken);
        events.Add(ConversationWriter.Changed(conversation));
    }
}
