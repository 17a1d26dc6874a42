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
