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
}
