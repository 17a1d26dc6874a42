using Microsoft.EntityFrameworkCore;
using Parley.Console;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>Full-text search over messages and contacts, within the advisor's accounts, on both databases.</summary>
public sealed class ConversationSearchTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Search_finds_a_conversation_by_a_word_of_a_message_or_the_contacts_email_and_never_in_another_account(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var outsider = await seed.OtherBrandAsync();
        var queries = app.Service<ConsoleQueries>();

        // A customer's message through the real inbound path (the index is kept by the insert itself).
        using var customer = await app.GuestAsync();
        var viaWidget = (await customer.OpenAsync()).ConversationId;
        await customer.SendAsync("My tangerine parcel never arrived");
        var byEmail = await seed.AddAsync(new Seeded("Bea") { Email = "bea.rossi@example.com", Messages = [("Bonjour", null)] });
        var accented = await seed.AddAsync(new Seeded("Carla") { Messages = [("Le colis est arrivé abîmé", null), ("Merci", null)] });
        var elsewhere = await seed.AddAsync(new Seeded("Dan") { AccountId = outsider.AccountIds.Single(), Email = "bea.rossi@example.com", Messages = [("tangerine too", null)] });

        async Task<List<long>> Find(Parley.Identity.AdvisorSession advisor, string q) =>
            (await queries.ListAsync(advisor, new ConversationFilter { Status = StatusFilter.All, Search = q }, CancellationToken.None)).Select(r => r.Id).ToList();

        var rows = await queries.ListAsync(marie, new ConversationFilter { Search = "Tangerine" }, CancellationToken.None);
        Assert.Equal([viaWidget], rows.Select(r => r.Id));
        Assert.Contains("tangerine", rows[0].Snippet, StringComparison.Ordinal);
        Assert.Equal([viaWidget], await Find(marie, "parcel tangerine"));
        Assert.Empty(await Find(marie, "tangerine banana"));
        Assert.Equal([byEmail], await Find(marie, "bea.rossi@example.com"));
        Assert.Equal([byEmail], await Find(marie, "Bea"));
        Assert.Equal([accented], await Find(marie, "colis"));
        Assert.Equal([elsewhere], await Find(outsider, "tangerine"));
        Assert.Equal([elsewhere], await Find(outsider, "bea.rossi@example.com"));

        // Query syntax of either database is only text: nothing fails, nothing leaks.
        foreach (var q in new[] { "\"", "tangerine\"", "AND", "tan*", "NEAR(a b)", "text:tangerine", "'", "\\", "!!", "a & b | !c", "(tangerine", "-tangerine", "^tangerine" })
        {
            var found = await Find(marie, q);
            Assert.DoesNotContain(elsewhere, found);
        }

        Assert.Equal([viaWidget], await Find(marie, "tangerine\""));
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    /// <summary>
    /// The index follows a message's text when it changes (a public comment edited, personal data erased) and when the
    /// message goes; the snippet is the latest matching message of its own conversation, in both ways of searching.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task Edited_and_deleted_messages_are_searched_as_they_are_now_and_snippets_come_from_their_own_conversation(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var queries = app.Service<ConsoleQueries>();
        var first = await seed.AddAsync(new Seeded("Ann") { Messages = [("an apricot parcel", null), ("still waiting for the apricot", null), ("thanks", null)] });
        var second = await seed.AddAsync(new Seeded("Bob") { Messages = [("a walnut parcel", null), ("walnut again", null)] });

        async Task<List<(long Id, string? Snippet)>> Find(string q)
        {
            var rows = await queries.ListAsync(marie, new ConversationFilter { Status = StatusFilter.All, Search = q }, CancellationToken.None);
            return rows.Select(r => (r.Id, r.Snippet)).ToList();
        }

        foreach (var common in new[] { false, true })
        {
            queries.CommonSearchFrom = common ? 1 : ConversationSearch.CommonMatches;
            Assert.Equal([(first, "still waiting for the apricot")], await Find("apricot"));
            Assert.Equal([(second, "walnut again")], await Find("walnut"));
            Assert.Equal([second, first], (await Find("parcel")).Select(r => r.Id));
        }

        await using (var db = await app.Service<IDbContextFactory<ParleyDb>>().CreateDbContextAsync())
        {
            await db.Messages.Where(m => m.ConversationId == first && m.Seq == 2).ExecuteUpdateAsync(u => u.SetProperty(m => m.Text, "now about a fig"));
            await db.Messages.Where(m => m.ConversationId == second && m.Seq == 2).ExecuteDeleteAsync();
        }

        foreach (var common in new[] { false, true })
        {
            queries.CommonSearchFrom = common ? 1 : ConversationSearch.CommonMatches;
            Assert.Equal([(first, "an apricot parcel")], await Find("apricot"));
            Assert.Equal([(first, "now about a fig")], await Find("fig"));
            Assert.Equal([(second, "a walnut parcel")], await Find("walnut"));
            Assert.Empty(await Find("again"));
        }
    }

    /// <summary>
    /// Whether a search is common decides how the list is read: SQLite counts the matches, PostgreSQL asks its planner,
    /// whose statistics come from ANALYZE (run here as autovacuum would after so many writes).
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task A_word_in_many_messages_is_common_and_a_word_in_a_few_is_not(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        for (var i = 0; i < 60; i++)
        {
            await seed.AddAsync(new Seeded($"Customer {i}")
            {
                Messages = [.. Enumerable.Range(0, 10).Select(j => ($"parcel {i} {j}" + (i == 0 && j < 2 ? " zebra" : string.Empty), (double?)null))],
            });
        }

        await using var db = await app.Service<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        if (provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("ANALYZE messages");
        }

        Assert.True(await ConversationSearch.IsCommonAsync(db, "parcel", 300, CancellationToken.None));
        Assert.False(await ConversationSearch.IsCommonAsync(db, "zebra", 300, CancellationToken.None));
        Assert.False(await ConversationSearch.IsCommonAsync(db, "parcel zebra", 300, CancellationToken.None));
        Assert.False(await ConversationSearch.IsCommonAsync(db, "nowhere", 300, CancellationToken.None));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Pages_return_every_conversation_once_while_new_activity_arrives(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var queries = app.Service<ConsoleQueries>();
        var existing = new List<long>();
        for (var i = 0; i < 23; i++)
        {
            // Pairs share their last activity to the tick: the id orders them.
            existing.Add(await seed.AddAsync(new Seeded($"Customer {i}") { Ago = TimeSpan.FromMinutes(100 - (i / 2)) }));
        }

        var seen = new List<long>();
        ListCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = await queries.PageAsync(marie, new ConversationFilter(), cursor, 4, CancellationToken.None);
            seen.AddRange(page.Rows.Select(r => r.Id));
            cursor = page.Next is { } next ? ListCursor.Parse(next.ToString()) : null;
            pages++;

            // Meanwhile: a new conversation, and new activity on one already seen (both move to the top).
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await seed.AddAsync(new Seeded($"Newcomer {pages}") { Ago = TimeSpan.Zero });
            await seed.TouchAsync(seen[0]);
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(existing.Order(), seen.Where(existing.Contains).Order());
        Assert.Equal(6, pages);
        Assert.Null(ListCursor.Parse("12.x"));
        Assert.Null(ListCursor.Parse("3155378975999999999999.1"));
        Assert.Null(ListCursor.Parse("-5.1"));
    }

    /// <summary>
    /// A common word is searched by walking the list and checking each batch's messages; a rare one by collecting its
    /// matches. Both ways must give the same pages: here every search is made common (threshold 1) and compared with
    /// the rare way, over more conversations than one walking batch, page by page, with and without a filter.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task A_common_word_gives_the_same_pages_as_a_rare_one(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var outsider = await seed.OtherBrandAsync();
        for (var i = 0; i < 3 * ConsoleList.SearchBatch; i++)
        {
            var text = i % 3 == 0 ? $"my parcel number {i} is late" : i % 3 == 1 ? $"hello number {i}" : $"the parcel {i} arrived damaged";
            await seed.AddAsync(new Seeded($"Customer {i}")
            {
                Messages = [(text, null), ("thanks", null)],
                Ago = TimeSpan.FromMinutes(i),
                Channel = i % 2 == 0 ? Parley.Channels.ChannelKind.WebMessaging : Parley.Channels.ChannelKind.WhatsApp,
            });
        }

        await seed.AddAsync(new Seeded("Elsewhere") { AccountId = outsider.AccountIds.Single(), Messages = [("parcel elsewhere", null)] });
        var queries = app.Service<ConsoleQueries>();

        async Task<List<(long Id, string? Snippet)>> AllPagesAsync(ConversationFilter filter)
        {
            var rows = new List<(long, string?)>();
            ListCursor? after = null;
            do
            {
                var page = await queries.PageAsync(marie, filter, after, 10, CancellationToken.None);
                rows.AddRange(page.Rows.Select(r => (r.Id, r.Snippet)));
                after = page.Next;
            }
            while (after is not null);
            return rows;
        }

        foreach (var filter in new[]
        {
            new ConversationFilter { Status = StatusFilter.All, Search = "parcel" },
            new ConversationFilter { Status = StatusFilter.All, Search = "parcel late" },
            new ConversationFilter { Status = StatusFilter.All, Search = "parcel", Channels = [Parley.Channels.ChannelKind.WhatsApp] },
            new ConversationFilter { Status = StatusFilter.All, Search = "nowhere" },
            new ConversationFilter { Status = StatusFilter.All, Search = "customer" },
            new ConversationFilter { Status = StatusFilter.All, Search = "customer", Channels = [Parley.Channels.ChannelKind.WhatsApp] },
        })
        {
            queries.CommonSearchFrom = ConversationSearch.CommonMatches;
            var rare = await AllPagesAsync(filter);
            queries.CommonSearchFrom = 1;
            var common = await AllPagesAsync(filter);
            Assert.Equal(rare, common);

            // PostgreSQL looks a rare search's matches up in the list's order, a chunk at a time: three at a time here, so
            // a page of ten takes several chunks, more with a filter that passes half of them.
            queries.CommonSearchFrom = ConversationSearch.CommonMatches;
            queries.MatchedChunk = 3;
            Assert.Equal(rare, await AllPagesAsync(filter));
            queries.MatchedChunk = 256;
            if (filter.Search != "nowhere")
            {
                Assert.NotEmpty(rare);
            }
        }

        queries.CommonSearchFrom = ConversationSearch.CommonMatches;
        Assert.Equal(2 * ConsoleList.SearchBatch, (await AllPagesAsync(new ConversationFilter { Status = StatusFilter.All, Search = "parcel" })).Count);
        Assert.Equal(3 * ConsoleList.SearchBatch, (await AllPagesAsync(new ConversationFilter { Status = StatusFilter.All, Search = "customer" })).Count);
    }

    /// <summary>
    /// Parley's own notices ("Marie joined the conversation.") are not searched, by either way of searching; on SQLite an
    /// install that indexed them before (0028) has them taken out of the index by 0035.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task Notices_of_the_conversation_are_not_searched(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var marie = await app.AdvisorAsync("marie@parley.local");
        var queries = app.Service<ConsoleQueries>();
        var (id, customer) = await Routing.RoutingSetup.QueueCustomerAsync(app);
        using var _ = customer;
        await customer.SendAsync("My quince parcel joined the wrong truck");
        await Expect.UntilAsync(() => app.DbAsync(db => db.Messages.AnyAsync(m => m.ConversationId == id && m.Text!.Contains("quince") && m.Processed)), "the message");
        await Routing.RoutingSetup.SetPresenceAsync(app, marie, Parley.Identity.Presence.Online);
        Assert.Equal(1, await app.Service<Parley.Routing.Router>().AssignAsync(CancellationToken.None));
        var notice = await app.DbAsync(db => db.Messages.SingleAsync(m => m.ConversationId == id && m.AuthorKind == Parley.Conversations.AuthorKind.System));
        Assert.Equal("Marie joined the conversation.", notice.Text);

        async Task<List<(long Id, string? Snippet)>> Find(string q, int commonFrom)
        {
            queries.CommonSearchFrom = commonFrom;
            return (await queries.ListAsync(marie, new ConversationFilter { Status = StatusFilter.All, Search = q }, CancellationToken.None))
                .Select(r => (r.Id, r.Snippet)).ToList();
        }

        async Task ExpectOnlyTheCustomersWords()
        {
            foreach (var commonFrom in new[] { ConversationSearch.CommonMatches, 1 })
            {
                Assert.Empty(await Find("Marie", commonFrom));
                Assert.Empty(await Find("conversation joined", commonFrom));
                // The customer's "joined" is found, and the snippet is their message, not the newer notice.
                var found = Assert.Single(await Find("joined", commonFrom));
                Assert.Equal(id, found.Id);
                Assert.Contains("quince", found.Snippet, StringComparison.Ordinal);
            }
        }

        await ExpectOnlyTheCustomersWords();
        if (provider == DatabaseProvider.Sqlite)
        {
            // An older install: the notice was indexed as 0028 did, and 0035 has not run yet.
            await app.DbAsync(async db =>
            {
                await db.Database.ExecuteSqlAsync($"INSERT INTO message_words (rowid, text) VALUES ({id * 16777216 + notice.Seq}, {notice.Text})");
                return await db.Database.ExecuteSqlRawAsync("DELETE FROM schema_migrations WHERE version = '0035_system_messages_unsearched'");
            });
            Assert.Single(await Find("Marie", ConversationSearch.CommonMatches));

            Assert.Equal(["0035_system_messages_unsearched"], await app.Service<Migrator>().MigrateAsync(CancellationToken.None));
            await ExpectOnlyTheCustomersWords();
            await app.DbAsync(db => db.Database.ExecuteSqlRawAsync("INSERT INTO message_words (message_words) VALUES ('integrity-check')"));
        }
    }

    /// <summary>
    /// PostgreSQL's index of messages leaves Parley's notices out (0040), so a search uses it only if it leaves them out
    /// too: with sequential scans priced out, the messages' condition is answered from that index.
    /// </summary>
    [Theory, OnPostgres]
    public async Task PostgreSQL_answers_a_message_search_from_the_index_without_notices(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var plan = await app.DbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SET enable_seqscan = off; EXPLAIN SELECT m.conversation_id FROM messages m WHERE "
                + ConversationSearch.MessageMatchesWords.Replace("@words", "'parcel'", StringComparison.Ordinal);
            await using var reader = await command.ExecuteReaderAsync();
            var steps = new List<string>();
            while (await reader.ReadAsync())
            {
                steps.Add(reader.GetString(0));
            }

            return string.Join('\n', steps);
        });

        Assert.Contains("ix_messages_search_written", plan, StringComparison.Ordinal);
        Assert.Equal(["ix_messages_search_written"], await app.DbAsync(db => db.Database.SqlQueryRaw<string>(
            "SELECT indexname AS \"Value\" FROM pg_indexes WHERE tablename = 'messages' AND indexdef LIKE '%to_tsvector%'").ToListAsync()));
    }
}
