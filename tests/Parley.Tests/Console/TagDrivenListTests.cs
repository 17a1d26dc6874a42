using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>
/// A rare tag drives the list: its conversations are read from the tag's index and sorted, instead of walking the
/// accounts' activity for the few rows that carry it. Both ways must give the same pages, on both databases.
/// </summary>
public sealed class TagDrivenListTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_list_driven_by_a_tag_gives_the_same_pages_as_the_walk(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var outsider = await seed.OtherBrandAsync();
        var tags = app.Service<ConversationTags>();
        for (var i = 0; i < 3 * ConsoleList.SearchBatch; i++)
        {
            var id = await seed.AddAsync(new Seeded($"Customer {i}")
            {
                Messages = [(i % 2 == 0 ? $"my parcel {i} is late" : $"hello {i}", null)],
                Ago = TimeSpan.FromMinutes(i % 7 == 0 ? 5 : i), // ties on activity: the id decides
                Status = i % 4 == 0 ? ConversationStatus.Resolved : ConversationStatus.Queued,
                IsPublic = i % 3 == 0,
                Channel = i % 3 == 0 ? ChannelKind.Messenger : ChannelKind.WebMessaging,
            });
            if (i % 3 != 1)
            {
                Assert.Equal(TagOutcome.Done, await tags.AddAsync(marie, id, "refund", CancellationToken.None));
            }

            if (i % 5 == 0)
            {
                Assert.Equal(TagOutcome.Done, await tags.AddAsync(marie, id, "vip", CancellationToken.None));
            }
        }

        // The same tag in another brand: never on Marie's pages, whichever way they are read.
        var elsewhere = await seed.AddAsync(new Seeded("Elsewhere") { AccountId = outsider.AccountIds.Single(), Status = ConversationStatus.Resolved });
        Assert.Equal(TagOutcome.Done, await tags.AddAsync(outsider, elsewhere, "refund", CancellationToken.None));

        var queries = app.Service<ConsoleQueries>();
        Task<List<long>> AllPagesAsync(ConversationFilter filter) => ListPages.AllAsync(queries, marie, filter, 10);

        foreach (var filter in new[]
        {
            new ConversationFilter { Status = StatusFilter.All, Tags = ["refund"] },
            new ConversationFilter { Status = StatusFilter.All, Tags = ["refund"], Visibility = VisibilityFilter.Public },
            new ConversationFilter { Status = StatusFilter.All, Tags = ["refund", "vip"] },
            new ConversationFilter { Tags = ["vip"] },
            new ConversationFilter { Status = StatusFilter.All, Tags = ["vip"], Search = "parcel" },
            new ConversationFilter { Status = StatusFilter.All, Tags = ["nobody"] },
        })
        {
            queries.RareTagFrom = 0;
            var walked = await AllPagesAsync(filter);
            queries.RareTagFrom = int.MaxValue;
            var driven = await AllPagesAsync(filter);
            Assert.Equal(walked, driven);
            Assert.DoesNotContain(elsewhere, driven);
            if (filter.Tags[0] != "nobody")
            {
                Assert.NotEmpty(driven);
            }
        }

        // A search common enough to be walked, on a tag that drives: the walk reads the tag's conversations.
        queries.CommonSearchFrom = 1;
        queries.RareTagFrom = 0;
        var walkedSearch = await AllPagesAsync(new ConversationFilter { Status = StatusFilter.All, Tags = ["refund"], Search = "parcel" });
        queries.RareTagFrom = int.MaxValue;
        Assert.Equal(walkedSearch, await AllPagesAsync(new ConversationFilter { Status = StatusFilter.All, Tags = ["refund"], Search = "parcel" }));
        Assert.NotEmpty(walkedSearch);
    }

    /// <summary>
    /// A driving tag is read in its rows' copy of the conversation's activity (migration 0029): the copy follows every
    /// change of the activity (one conversation, or a set in one statement as the engine writes them) and a tag added
    /// later, so the pages are those of the conversations' own order, for one account and for several.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task A_tag_driven_list_follows_the_conversations_activity_after_tagging(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var demo = marie.AccountIds.Single();
        var other = (await seed.OtherBrandAsync()).AccountIds.Single();
        var admin = new AdvisorSession(marie.Id, marie.DisplayName, AdvisorRole.Admin, new HashSet<long> { demo, other });
        var tags = app.Service<ConversationTags>();
        var ids = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await seed.AddAsync(new Seeded($"Customer {i}")
            {
                AccountId = i % 2 == 0 ? demo : other, Ago = TimeSpan.FromMinutes(i % 9 == 0 ? 2 : i), Status = ConversationStatus.Resolved,
                IsPublic = i % 3 == 1, Channel = i % 3 == 1 ? ChannelKind.Messenger : ChannelKind.WebMessaging,
            }));
            if (i % 4 != 3)
            {
                Assert.Equal(TagOutcome.Done, await tags.AddAsync(admin, ids[^1], "refund", CancellationToken.None));
            }
        }

        // Activity after tagging: one at a time, then a set in one statement; then a tag on a conversation already active.
        foreach (var id in ids.Where((_, i) => i % 5 == 1))
        {
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await seed.TouchAsync(id);
        }

        var set = ids.Where((_, i) => i % 7 == 2).ToList();
        var at = app.Clock.GetUtcNow().UtcDateTime.AddSeconds(30);
        await app.DbAsync(db => db.Conversations.Where(c => set.Contains(c.Id)).ExecuteUpdateAsync(u => u.SetProperty(c => c.UpdatedAt, at)));
        await seed.TouchAsync(ids[3]);
        Assert.Equal(TagOutcome.Done, await tags.AddAsync(admin, ids[3], "refund", CancellationToken.None));

        // Status after tagging (migration 0031 copies "resolved" onto the tag rows): reopened one at a time, then some
        // resolved again as a set, neither changing the activity.
        foreach (var id in ids.Where((_, i) => i % 3 != 2))
        {
            await app.DbAsync(db => db.Conversations.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConversationStatus.Assigned)));
        }

        var resolvedAgain = ids.Where((_, i) => i % 6 == 0).ToList();
        await app.DbAsync(db => db.Conversations.Where(c => resolvedAgain.Contains(c.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConversationStatus.Resolved)));

        var queries = app.Service<ConsoleQueries>();
        queries.RareTagFrom = int.MaxValue;
        var tagged = await app.DbAsync(db => db.ConversationTags.Where(t => t.Tag == "refund").Select(t => t.ConversationId).ToListAsync());
        var all = await app.DbAsync(db => db.Conversations.AsNoTracking().Where(c => tagged.Contains(c.Id))
            .Select(c => new { c.Id, c.AccountId, c.UpdatedAt, c.Status, c.IsPublic }).ToListAsync());
        foreach (var (filter, passes) in new (ConversationFilter, Func<ConversationStatus, bool, bool>)[]
        {
            (new ConversationFilter { Status = StatusFilter.All, Tags = ["refund"] }, (_, _) => true),
            (new ConversationFilter { Tags = ["refund"] }, (status, _) => status != ConversationStatus.Resolved),
            (new ConversationFilter { Status = StatusFilter.Resolved, Tags = ["refund"] }, (status, _) => status == ConversationStatus.Resolved),
            (new ConversationFilter { Status = StatusFilter.Assigned, Tags = ["refund"] }, (status, _) => status == ConversationStatus.Assigned),
            (new ConversationFilter { Status = StatusFilter.All, Visibility = VisibilityFilter.Public, Tags = ["refund"] }, (_, isPublic) => isPublic),
            (new ConversationFilter { Status = StatusFilter.All, Visibility = VisibilityFilter.Private, Tags = ["refund"] }, (_, isPublic) => !isPublic),
            (new ConversationFilter { Visibility = VisibilityFilter.Public, Tags = ["refund"] }, (status, isPublic) => status != ConversationStatus.Resolved && isPublic),
        })
        {
            foreach (var advisor in new[] { marie, admin })
            {
                var expected = all.Where(c => advisor.AccountIds.Contains(c.AccountId) && passes(c.Status, c.IsPublic))
                    .OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Select(c => c.Id).ToList();
                Assert.NotEmpty(expected);
                Assert.Equal(expected, await ListPages.AllAsync(queries, advisor, filter, 7));
            }
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_rarest_tag_drives_only_when_few_conversations_carry_it(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var tags = app.Service<ConversationTags>();
        for (var i = 0; i < 6; i++)
        {
            var id = await seed.AddAsync(new Seeded($"Customer {i}"));
            await tags.AddAsync(marie, id, "refund", CancellationToken.None);
            if (i < 2)
            {
                await tags.AddAsync(marie, id, "vip", CancellationToken.None);
            }
        }

        async Task<string?> DrivingAsync(int rareFrom, params string[] names) =>
            await app.DbAsync(db => ConsoleList.DrivingTagAsync(db, marie, new ConversationFilter { Tags = names }, rareFrom, CancellationToken.None));

        Assert.Equal("vip", await DrivingAsync(100, "refund", "vip"));
        Assert.Equal("vip", await DrivingAsync(3, "refund", "vip"));
        Assert.Null(await DrivingAsync(2, "refund", "vip"));
        Assert.Equal("refund", await DrivingAsync(7, "refund"));
        Assert.Null(await DrivingAsync(6, "refund"));
        Assert.Equal("nobody", await DrivingAsync(1, "refund", "nobody"));
        Assert.Null(await DrivingAsync(100));
    }
}
