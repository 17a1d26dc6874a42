using Parley.Accounts;
using Parley.Channels;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>What a seeded conversation looks like; every field has the plain default.</summary>
public sealed record Seeded(string Name = "Ann")
{
    public string? Email { get; init; }
    public ChannelKind Channel { get; init; } = ChannelKind.WebMessaging;
    public ConversationStatus Status { get; init; } = ConversationStatus.Queued;
    public long? QueueId { get; init; }
    public long? AssigneeId { get; init; }
    public bool IsPublic { get; init; }
    public long? AccountId { get; init; }

    /// <summary>How long ago it was queued, or the customer last wrote (the wait), and its last activity.</summary>
    public TimeSpan Ago { get; init; } = TimeSpan.FromMinutes(1);
    public bool Read { get; init; } = true;

    /// <summary>The customer's messages: text and the tone Parley read in it.</summary>
    public IReadOnlyList<(string Text, double? Sentiment)> Messages { get; init; } = [("Hello", null)];
}

/// <summary>Conversations written straight to the database (with the demo inbox), for the list's tests.</summary>
public sealed class ListSeed(ParleyApplication app)
{
    public async Task<long> AddAsync(Seeded s)
    {
        var inbox = await app.DemoInboxAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var at = now - s.Ago;
        return await app.DbAsync(async db =>
        {
            var contact = new Contact { AccountId = s.AccountId ?? inbox.AccountId, Name = s.Name, Email = s.Email, CreatedAt = at };
            db.Contacts.Add(contact);
            await db.SaveChangesAsync();
            var conversation = new Conversation
            {
                AccountId = s.AccountId ?? inbox.AccountId, InboxId = inbox.Id, ContactId = contact.Id, Channel = s.Channel, IsPublic = s.IsPublic,
                Status = s.Status, QueueId = s.QueueId, AssigneeId = s.AssigneeId, LastSeq = s.Messages.Count,
                AdvisorReadSeq = s.Read ? s.Messages.Count : 0, CreatedAt = at, UpdatedAt = at, QueuedAt = at, LastCustomerMessageAt = at, Version = 1,
            };
            db.Conversations.Add(conversation);

            // The customer's tone, as the inbound writer sets it: their latest message's that has one.
            db.Entry(conversation).Property(Parley.Console.ConsoleList.CustomerSentiment).CurrentValue = s.Messages.LastOrDefault(m => m.Sentiment is not null).Sentiment;
            await db.SaveChangesAsync();
            var seq = 0;
            foreach (var (text, sentiment) in s.Messages)
            {
                db.Messages.Add(new Message
                {
                    ConversationId = conversation.Id, InboxId = inbox.Id, Seq = ++seq, AuthorKind = AuthorKind.Customer, ContentType = ContentType.Text,
                    Text = text, Sentiment = sentiment, DeliveryStatus = DeliveryStatus.Delivered, Processed = true, CreatedAt = at,
                });
                await db.SaveChangesAsync();
            }

            return conversation.Id;
        });
    }

    /// <summary>New activity on a conversation: it moves to the top of the list.</summary>
    public Task TouchAsync(long conversationId) => app.DbAsync(async db =>
    {
        var conversation = await db.Conversations.FindAsync(conversationId);
        conversation!.UpdatedAt = app.Clock.GetUtcNow().UtcDateTime;
        return await db.SaveChangesAsync();
    });

    /// <summary>An account of another brand and its one advisor (an admin).</summary>
    public Task<AdvisorSession> OtherBrandAsync(AdvisorRole role = AdvisorRole.Admin) => app.DbAsync(async db =>
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var account = new Account { Name = "Other brand", CreatedAt = now };
        db.Accounts.Add(account);
        var advisor = new Advisor
        {
            Email = $"outsider-{Guid.NewGuid():N}@other.example", DisplayName = "Outsider", PasswordHash = "x", Role = role, PresenceChangedAt = now, CreatedAt = now,
        };
        db.Advisors.Add(advisor);
        await db.SaveChangesAsync();
        db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = advisor.Id, AccountId = account.Id });
        await db.SaveChangesAsync();
        return new AdvisorSession(advisor.Id, advisor.DisplayName, advisor.Role, new HashSet<long> { account.Id });
    });
}

/// <summary>Reading a whole list the way the console does: page after page, each after the last row of the one before.</summary>
public static class ListPages
{
    public static async Task<List<long>> AllAsync(Parley.Console.ConsoleQueries queries, AdvisorSession advisor, Parley.Console.ConversationFilter filter, int pageSize)
    {
        var ids = new List<long>();
        Parley.Console.ListCursor? after = null;
        do
        {
            var page = await queries.PageAsync(advisor, filter, after, pageSize, CancellationToken.None);
            ids.AddRange(page.Rows.Select(r => r.Id));
            after = page.Next;
        }
        while (after is not null);
        return ids;
    }
}
