using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>Each filter of the console list keeps exactly its conversations, alone and combined, on both databases.</summary>
public sealed class ConversationFilterTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Each_filter_keeps_only_its_conversations_and_filters_combine(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var queues = await app.DbAsync(db => db.Queues.OrderBy(q => q.Id).Select(q => q.Id).ToListAsync());
        var outsider = await seed.OtherBrandAsync();

        var queuedLong = await seed.AddAsync(new Seeded("Queued long") { QueueId = queues[0], Ago = TimeSpan.FromMinutes(40), Messages = [("Where is it", -0.8)] });
        var queuedShort = await seed.AddAsync(new Seeded("Queued short") { QueueId = queues[1], Ago = TimeSpan.FromMinutes(2), Messages = [("Thanks a lot", 0.9)] });
        var mineUnread = await seed.AddAsync(new Seeded("Mine unread") { Status = ConversationStatus.Assigned, AssigneeId = marie.Id, QueueId = queues[0], Read = false, Ago = TimeSpan.FromMinutes(30), Messages = [("Fine", 0.9), ("ok", 0.0)] });
        var mineRead = await seed.AddAsync(new Seeded("Mine read") { Status = ConversationStatus.WaitingForCustomer, AssigneeId = marie.Id, Ago = TimeSpan.FromMinutes(50) });
        var lucas = await seed.AddAsync(new Seeded("Luca's") { Status = ConversationStatus.Assigned, AssigneeId = luca.Id, Channel = ChannelKind.WhatsApp, Ago = TimeSpan.FromMinutes(5) });
        var publicOne = await seed.AddAsync(new Seeded("Public") { Channel = ChannelKind.Instagram, IsPublic = true, Status = ConversationStatus.WithBot });
        var resolved = await seed.AddAsync(new Seeded("Resolved") { Status = ConversationStatus.Resolved, Channel = ChannelKind.WhatsApp });
        var otherBrand = await seed.AddAsync(new Seeded("Elsewhere") { AccountId = outsider.AccountIds.Single(), Channel = ChannelKind.WhatsApp });
        var tags = app.Service<ConversationTags>();
        Assert.Equal(TagOutcome.Done, await tags.AddAsync(marie, lucas, "Refund", CancellationToken.None));
        Assert.Equal(TagOutcome.Done, await tags.AddAsync(marie, lucas, "vip", CancellationToken.None));
        Assert.Equal(TagOutcome.Done, await tags.AddAsync(marie, queuedLong, "refund", CancellationToken.None));

        async Task Shows(ConversationFilter filter, params long[] expected)
        {
            var rows = await app.Service<ConsoleQueries>().ListAsync(marie, filter, CancellationToken.None);
            Assert.Equal(expected.Order(), rows.Select(r => r.Id).Order());
        }

        long[] open = [queuedLong, queuedShort, mineUnread, mineRead, lucas, publicOne];
        await Shows(new ConversationFilter(), open);
        await Shows(new ConversationFilter { Status = StatusFilter.All }, [.. open, resolved]);
        await Shows(new ConversationFilter { Status = StatusFilter.Resolved }, resolved);
        await Shows(new ConversationFilter { Status = StatusFilter.Queued }, queuedLong, queuedShort);
        await Shows(new ConversationFilter { Accounts = [.. outsider.AccountIds] });
        await Shows(new ConversationFilter { Accounts = [.. marie.AccountIds] }, open);
        await Shows(new ConversationFilter { Channels = [ChannelKind.WhatsApp, ChannelKind.Instagram] }, lucas, publicOne);
        await Shows(new ConversationFilter { Queues = [queues[0]] }, queuedLong, mineUnread);
        await Shows(new ConversationFilter { Assignment = AssignmentFilter.Me }, mineUnread, mineRead);
        await Shows(new ConversationFilter { Assignment = AssignmentFilter.Colleague }, lucas);
        await Shows(new ConversationFilter { Assignment = AssignmentFilter.Advisor, AssigneeId = luca.Id }, lucas);
        await Shows(new ConversationFilter { Assignment = AssignmentFilter.Unassigned }, queuedLong, queuedShort, publicOne);
        await Shows(new ConversationFilter { WaitingMinutes = 20 }, queuedLong, mineUnread);
        await Shows(new ConversationFilter { UnreadOnly = true }, mineUnread);
        await Shows(new ConversationFilter { Visibility = VisibilityFilter.Public }, publicOne);
        await Shows(new ConversationFilter { Visibility = VisibilityFilter.Private }, queuedLong, queuedShort, mineUnread, mineRead, lucas);
        await Shows(new ConversationFilter { Sentiment = Tone.Negative }, queuedLong);
        await Shows(new ConversationFilter { Sentiment = Tone.Positive }, queuedShort);
        await Shows(new ConversationFilter { Sentiment = Tone.Neutral }, mineUnread);
        await Shows(new ConversationFilter { Tags = ["refund"] }, lucas, queuedLong);
        await Shows(new ConversationFilter { Tags = ["refund", "vip"] }, lucas);

        // Combined: every filter must hold.
        await Shows(new ConversationFilter { Queues = [queues[0]], Assignment = AssignmentFilter.Unassigned, Sentiment = Tone.Negative, WaitingMinutes = 30, Tags = ["refund"] }, queuedLong);
        await Shows(new ConversationFilter { Channels = [ChannelKind.WhatsApp], Status = StatusFilter.All }, lucas, resolved);

        // The other brand's advisor sees only their own, whatever they ask.
        var theirs = await app.Service<ConsoleQueries>().ListAsync(outsider, new ConversationFilter { Status = StatusFilter.All, Accounts = [.. marie.AccountIds, .. outsider.AccountIds] }, CancellationToken.None);
        Assert.Equal([otherBrand], theirs.Select(r => r.Id));
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversations_tone_is_its_customers_latest_read_one_through_the_inbound_path(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        await customer.SendAsync("This is terrible, awful, the worst service, I am furious and disappointed");
        await Infrastructure.Expect.UntilAsync(
            async () => (await app.DbAsync(db => db.Messages.Where(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Customer && m.Sentiment != null).CountAsync())) > 0,
            "the message's tone to be read");
        var sentiment = await app.DbAsync(db => db.Messages.Where(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Customer).OrderByDescending(m => m.Seq).Select(m => m.Sentiment).FirstAsync());
        var tone = sentiment < -MessageReading.ToneThreshold ? Tone.Negative : sentiment > MessageReading.ToneThreshold ? Tone.Positive : Tone.Neutral;

        var found = await app.Service<ConsoleQueries>().ListAsync(marie, new ConversationFilter { Status = StatusFilter.All, Sentiment = tone }, CancellationToken.None);

        Assert.Contains(conversationId, found.Select(r => r.Id));
        Assert.Equal(Tone.Negative, tone);

        // The customer's next message, read the other way, is the conversation's tone now.
        await customer.SendAsync("Thank you so much, this is wonderful, excellent and perfect help, I am delighted");
        await Infrastructure.Expect.UntilAsync(
            async () => (await app.DbAsync(db => db.Messages.Where(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Customer && m.Sentiment != null).CountAsync())) > 1,
            "the second message's tone to be read");
        var positive = await app.Service<ConsoleQueries>().ListAsync(marie, new ConversationFilter { Status = StatusFilter.All, Sentiment = Tone.Positive }, CancellationToken.None);
        var negative = await app.Service<ConsoleQueries>().ListAsync(marie, new ConversationFilter { Status = StatusFilter.All, Sentiment = Tone.Negative }, CancellationToken.None);
        Assert.Contains(conversationId, positive.Select(r => r.Id));
        Assert.DoesNotContain(conversationId, negative.Select(r => r.Id));
    }
}
