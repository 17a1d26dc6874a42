using Parley.Contacts;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Contacts;

/// <summary>Identities asked for at once are read together, each answered with its own inbox's contact or none.</summary>
public sealed class IdentityLookupsTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Lookups_asked_at_once_each_get_their_own_inboxs_contact_or_none(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var inbox = await app.DemoInboxAsync();
        var directory = app.Service<ContactDirectory>();
        var known = new Dictionary<string, long>();
        foreach (var id in new[] { "psid-ann", "psid-bob", "psid-cleo" })
        {
            known[id] = await directory.FindOrCreateAsync(inbox, id, true, null, CancellationToken.None);
        }

        var lookups = app.Service<IdentityLookups>();
        var asked = Enumerable.Range(0, 60).Select(i => (Inbox: i % 5 == 4 ? inbox.Id + 1000 : inbox.Id, Id: (i % 4) switch
        {
            0 => "psid-ann",
            1 => "psid-bob",
            2 => "psid-cleo",
            _ => $"psid-new-{i}",
        })).ToList();
        var found = await Task.WhenAll(asked.Select(a => lookups.FindAsync(a.Inbox, a.Id, CancellationToken.None)));

        for (var i = 0; i < asked.Count; i++)
        {
            var expected = asked[i].Inbox == inbox.Id && known.TryGetValue(asked[i].Id, out var contact) ? contact : (long?)null;
            Assert.Equal(expected, found[i]?.ContactId);
        }

        Assert.Contains(found, f => f is not null);
        Assert.Equal(known["psid-bob"], await directory.FindOrCreateAsync(inbox, "psid-bob", true, null, CancellationToken.None));
    }
}
