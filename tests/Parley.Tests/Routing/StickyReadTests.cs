using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Routing;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Routing;

/// <summary>Sticky routing's read of the advisors' last replies (<see cref="StickyRouting.LastAdvisorsAsync"/>).</summary>
public sealed class StickyReadTests
{
    /// <remarks>
    /// The statistics of a table never analyzed count few advisors' replies, as those of a deployment whose waiting
    /// customers have not been answered yet. The rows the read scanned come from the transaction's own statistics
    /// (<c>pg_stat_xact_user_tables</c>).
    /// </remarks>
    [Theory, OnPostgres]
    public async Task PostgreSQL_finds_the_last_advisor_replies_without_reading_every_message(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var inbox = await app.DemoInboxAsync();
        var marie = await app.AdvisorAsync("marie@parley.local");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        const int Conversations = 3_000;
        var contacts = await app.DbAsync(async db =>
        {
            var seeded = Enumerable.Range(0, Conversations).Select(i => new Parley.Contacts.Contact { AccountId = inbox.AccountId, Name = $"Waiting {i}", CreatedAt = now }).ToList();
            db.Contacts.AddRange(seeded);
            await db.SaveChangesAsync();
            var conversations = seeded.Select(contact => new Conversation
            {
                AccountId = inbox.AccountId, InboxId = inbox.Id, ContactId = contact.Id, Channel = Parley.Channels.ChannelKind.WebMessaging,
                Status = ConversationStatus.Queued, LastSeq = 2, CreatedAt = now, UpdatedAt = now, QueuedAt = now, LastCustomerMessageAt = now, Version = 1,
            }).ToList();
            db.Conversations.AddRange(conversations);
            await db.SaveChangesAsync();
            db.Messages.AddRange(conversations.SelectMany(c => new[] { 1, 2 }.Select(seq => new Message
            {
                ConversationId = c.Id, InboxId = inbox.Id, Seq = seq, AuthorKind = AuthorKind.Customer, ContentType = ContentType.Text,
                Text = "Where is my parcel?", DeliveryStatus = DeliveryStatus.Delivered, Processed = true, CreatedAt = now,
            })));
            // Marie answered the first customer once, an hour ago.
            db.Messages.Add(new Message
            {
                ConversationId = conversations[0].Id, InboxId = inbox.Id, Seq = 3, AuthorKind = AuthorKind.Advisor, AuthorId = marie.Id,
                AuthorName = "Marie", ContentType = ContentType.Text, Text = "It is on its way.", DeliveryStatus = DeliveryStatus.Delivered,
                Processed = true, CreatedAt = now.AddHours(-1),
            });
            await db.SaveChangesAsync();
            return seeded.Select(c => c.Id).ToList();
        });

        var (last, scanned) = await app.DbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var found = await StickyRouting.LastAdvisorsAsync(db, contacts.Take(50).ToList(), now.AddDays(-1), CancellationToken.None);
            await using var command = db.Command("SELECT COALESCE(seq_tup_read, 0) FROM pg_stat_xact_user_tables WHERE relname = 'messages'");
            return (found, (long)(await command.ExecuteScalarAsync())!);
        });

        Assert.Equal((marie.Id, now.AddHours(-1)), (last[contacts[0]].AdvisorId, last[contacts[0]].At), new ReplyComparer());
        Assert.Single(last);
        Assert.True(scanned < 100, $"The read scanned {scanned} of {(2 * Conversations) + 1} messages.");
    }

    private sealed class ReplyComparer : IEqualityComparer<(long, DateTime)>
    {
        public bool Equals((long, DateTime) x, (long, DateTime) y) => x.Item1 == y.Item1 && (x.Item2 - y.Item2).Duration() < TimeSpan.FromMilliseconds(1);

        public int GetHashCode((long, DateTime) obj) => obj.Item1.GetHashCode();
    }
}
