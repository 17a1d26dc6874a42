using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>
/// An advisor of several brands sees one list, newest activity first, page after page. On PostgreSQL it is read per
/// account and merged (one ordered read each instead of sorting every row of every account); the pages must be those of
/// the plain order, with ties on activity broken by the id, across the accounts. With queues asked for it is read per
/// queue instead (a queue belongs to one account), with the same pages.
/// </summary>
public sealed class SeveralAccountsListTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task The_list_of_several_accounts_is_one_order_page_after_page(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var other = (await seed.OtherBrandAsync()).AccountIds.Single();
        var demo = marie.AccountIds.Single();
        var third = (await seed.OtherBrandAsync()).AccountIds.Single(); // not the advisor's: never listed
        var queues = await app.DbAsync(async db =>
        {
            var made = new[] { demo, demo, other, third }.Select((account, i) => new Queue { AccountId = account, Name = $"Queue {i}" }).ToList();
            db.Queues.AddRange(made);
            await db.SaveChangesAsync();
            return made.Select(q => q.Id).ToList();
        });
        for (var i = 0; i < 90; i++)
        {
            var account = (i % 3) switch { 0 => demo, 1 => other, _ => third };
            await seed.AddAsync(new Seeded($"Customer {i}")
            {
                QueueId = i % 7 == 6 ? null : account == demo ? queues[i % 2] : account == other ? queues[2] : queues[3],
                AccountId = account,
                Ago = TimeSpan.FromMinutes(i % 11 == 0 ? 3 : i), // ties on activity across accounts
                Status = i % 4 == 0 ? ConversationStatus.Resolved : ConversationStatus.Assigned,
                AssigneeId = i % 5 == 0 ? marie.Id : null,
                IsPublic = i % 6 == 0,
                Channel = i % 6 == 0 ? ChannelKind.Messenger : ChannelKind.WebMessaging,
            });
        }

        var admin = new AdvisorSession(marie.Id, marie.DisplayName, AdvisorRole.Admin, new HashSet<long> { demo, other });
        var all = await app.DbAsync(db => db.Conversations.AsNoTracking().Where(c => c.AccountId == demo || c.AccountId == other)
            .Select(c => new { c.Id, c.AccountId, c.UpdatedAt, c.Status, c.IsPublic, c.AssigneeId, c.QueueId }).ToListAsync());
        var queries = app.Service<ConsoleQueries>();

        foreach (var (filter, passes) in new (ConversationFilter, Func<ConversationStatus, bool, long?, long, long?, bool>)[]
        {
            (new ConversationFilter { Status = StatusFilter.All }, (_, _, _, _, _) => true),
            (new ConversationFilter(), (status, _, _, _, _) => status != ConversationStatus.Resolved),
            (new ConversationFilter { Status = StatusFilter.All, Visibility = VisibilityFilter.Public }, (_, isPublic, _, _, _) => isPublic),
            (new ConversationFilter { Status = StatusFilter.All, Assignment = AssignmentFilter.Me }, (_, _, assignee, _, _) => assignee == marie.Id),
            (new ConversationFilter { Status = StatusFilter.All, Accounts = [other] }, (_, _, _, account, _) => account == other),
            (new ConversationFilter { Status = StatusFilter.All, Queues = [queues[2]] }, (_, _, _, _, queue) => queue == queues[2]),
            (new ConversationFilter { Status = StatusFilter.All, Queues = [queues[1], queues[2]] }, (_, _, _, _, queue) => queue == queues[1] || queue == queues[2]),
            (new ConversationFilter { Queues = [queues[0], queues[2], queues[3]] }, (status, _, _, _, queue) => status != ConversationStatus.Resolved && (queue == queues[0] || queue == queues[2])),
        })
        {
            var expected = all.Where(c => passes(c.Status, c.IsPublic, c.AssigneeId, c.AccountId, c.QueueId))
                .OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Select(c => c.Id).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await ListPages.AllAsync(queries, admin, filter, 7));
        }

        // Rows name their queue and their assignee (read for the rows' own ids).
        var rows = (await queries.PageAsync(admin, new ConversationFilter { Status = StatusFilter.All }, null, 100, CancellationToken.None)).Rows;
        Assert.All(rows, r => Assert.Equal(all.Single(c => c.Id == r.Id).QueueId is { } q ? $"Queue {queues.IndexOf(q)}" : null, r.QueueName));
        Assert.All(rows, r => Assert.Equal(r.AssigneeId is null ? null : marie.DisplayName, r.AssigneeName));
        Assert.Contains(rows, r => r.QueueName == "Queue 2");
        Assert.Contains(rows, r => r.AssigneeName is not null);
    }
}
