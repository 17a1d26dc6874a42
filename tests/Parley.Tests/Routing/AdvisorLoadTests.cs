using Microsoft.EntityFrameworkCore;
using Npgsql;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Routing;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Routing;

/// <summary>The advisors' loads as counted against their capacities (<see cref="AdvisorLoad.OfAsync"/>).</summary>
public sealed class AdvisorLoadTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisors_load_counts_assigned_and_awaited_conversations_by_kind_in_their_channels_weight(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var sofia = await app.AdvisorAsync("sofia@parley.local");
        var account = marie.AccountIds.First();
        await app.DbAsync(db =>
        {
            db.ChannelWeights.Add(new ChannelWeight { AccountId = account, Channel = ChannelKind.WebMessaging, Units = 3 });
            return db.SaveChangesAsync();
        });

        await SeedAsync(app, account,
        [
            // Marie: two web conversations (3 units each), one on Messenger awaiting the customer (1), one public thread.
            (marie.Id, ConversationStatus.Assigned, ChannelKind.WebMessaging, false),
            (marie.Id, ConversationStatus.Assigned, ChannelKind.WebMessaging, false),
            (marie.Id, ConversationStatus.WaitingForCustomer, ChannelKind.Messenger, false),
            (marie.Id, ConversationStatus.Assigned, ChannelKind.Messenger, true),
            // Neither a resolved conversation nor one queued again after her counts.
            (marie.Id, ConversationStatus.Resolved, ChannelKind.WebMessaging, false),
            (marie.Id, ConversationStatus.Queued, ChannelKind.Messenger, false),
            (luca.Id, ConversationStatus.WaitingForCustomer, ChannelKind.WebMessaging, false),
        ]);

        var loads = await app.DbAsync(db => AdvisorLoad.OfAsync(db, [marie.Id, luca.Id, sofia.Id], CancellationToken.None));

        Assert.Equal(new KindLoads(7, 1), loads[marie.Id]);
        Assert.Equal(new KindLoads(3, 0), loads[luca.Id]);
        Assert.False(loads.ContainsKey(sofia.Id));
    }

    /// <remarks>
    /// PostgreSQL's sorts are reported to the session with <c>trace_sort</c> (a setting any role may change), as log
    /// messages the client receives once <c>client_min_messages</c> lets them through.
    /// </remarks>
    [Theory, OnPostgres]
    public async Task PostgreSQL_groups_loads_it_has_no_statistics_for_without_sorting_them(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var advisors = await app.DbAsync(db => db.Advisors.OrderBy(a => a.Id).Select(a => a.Id).Take(4).ToListAsync());
        var account = (await app.DemoInboxAsync()).AccountId;
        var kinds = new[] { (ChannelKind.WebMessaging, false), (ChannelKind.Messenger, false), (ChannelKind.WhatsApp, false), (ChannelKind.Messenger, true) };
        await SeedAsync(app, account, [.. Enumerable.Range(0, 2_000).Select(i =>
            (advisors[i % advisors.Count], i % 3 == 0 ? ConversationStatus.WaitingForCustomer : ConversationStatus.Assigned, kinds[i / 4 % 4].Item1, kinds[i / 4 % 4].Item2))]);

        var (sorts, loads) = await app.DbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var reported = new List<string>();
            connection.Notice += (_, e) => reported.Add(e.Notice.MessageText);
            await using (var trace = db.Command("SET trace_sort = on; SET client_min_messages = log"))
            {
                await trace.ExecuteNonQueryAsync();
            }

            var counted = await AdvisorLoad.OfAsync(db, advisors, CancellationToken.None);
            await using (var reset = db.Command("RESET trace_sort; RESET client_min_messages"))
            {
                await reset.ExecuteNonQueryAsync();
            }

            return (reported.Where(m => m.Contains("sort", StringComparison.OrdinalIgnoreCase)).ToList(), counted);
        });

        Assert.True(sorts.Count == 0, "The count sorted: " + string.Join(" | ", sorts));
        Assert.Equal(2_000, loads.Values.Sum(l => l.Private + l.Public));
        Assert.Equal(500, loads.Values.Sum(l => l.Public));
    }

    private static async Task SeedAsync(
        ParleyApplication app, long account, IReadOnlyList<(long Advisor, ConversationStatus Status, ChannelKind Channel, bool IsPublic)> rows)
    {
        var inbox = await app.DemoInboxAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.DbAsync(async db =>
        {
            var contacts = rows.Select((_, i) => new Parley.Contacts.Contact { AccountId = account, Name = $"Customer {i}", CreatedAt = now }).ToList();
            db.Contacts.AddRange(contacts);
            await db.SaveChangesAsync();
            db.Conversations.AddRange(rows.Select((row, i) => new Conversation
            {
                AccountId = account, InboxId = inbox.Id, ContactId = contacts[i].Id, Channel = row.Channel, IsPublic = row.IsPublic,
                Status = row.Status, AssigneeId = row.Advisor, LastSeq = 1, CreatedAt = now, UpdatedAt = now, QueuedAt = now,
                LastCustomerMessageAt = now, Version = 1,
            }));
            return await db.SaveChangesAsync();
        });
    }
}
