using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Channels;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Contacts;

/// <summary>What the brand keeps about a customer: attributes, tags and notes, kept across channels and merges.</summary>
public sealed class ContactProfileTests
{
    private static async Task<long> CustomerOnAsync(ParleyApplication app, ChannelKind kind, string pageId, string externalId, string name)
    {
        var connection = await TestConnections.AddAsync(app, kind, pageId);
        var inbox = (await app.Service<InboxDirectory>().FindAsync(connection.InboxId, CancellationToken.None))!;
        var contact = await app.Service<ContactDirectory>().FindOrCreateAsync(inbox, externalId, true, new ContactProfile(name, null), CancellationToken.None);
        await app.Service<ConversationEngine>().AcceptAsync(
            new InboundMessage(inbox, contact, $"{externalId}-{Guid.NewGuid():N}", ContentType.Text, "hello"), CancellationToken.None);
        return contact;
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Advisors_keep_attributes_tags_and_notes_on_the_customer(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var contact = await CustomerOnAsync(app, ChannelKind.Messenger, "100200300400777", "psid-ann", "Ann Lee");
        var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        var luca = await ConsoleLogin.SignedInAsync(app, "luca@parley.local");
        var api = $"/api/console/contacts/{contact}";

        Assert.Equal(HttpStatusCode.NoContent, (await marie.PutAsJsonAsync($"{api}/attributes/customer number", new { value = "LP-4471" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.PutAsJsonAsync($"{api}/attributes/language", new { value = "it" })).StatusCode);
        // A new value replaces the old one, and says who set it.
        Assert.Equal(HttpStatusCode.NoContent, (await luca.PutAsJsonAsync($"{api}/attributes/language", new { value = "  en  " })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.PostAsJsonAsync($"{api}/tags", new { tag = " VIP " })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.PostAsJsonAsync($"{api}/tags", new { tag = "vip" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.PostAsJsonAsync($"{api}/tags", new { tag = "complained twice" })).StatusCode);
        var first = await marie.PostAsJsonAsync($"{api}/notes", new { text = "Prefers to be called after 6 pm." });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await luca.PostAsJsonAsync($"{api}/notes", new { text = "<b>Asked</b> for a refund in May." });
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var profile = await marie.GetFromJsonAsync<JsonElement>($"{api}/profile");
        var attributes = profile.GetProperty("attributes").EnumerateArray().Select(a => (a.GetProperty("name").GetString(), a.GetProperty("value").GetString(), a.GetProperty("updatedBy").GetString())).ToList();
        Assert.Equal([("customer number", "LP-4471", "Marie"), ("language", "en", "Luca")], attributes);
        Assert.Equal(["complained twice", "vip"], profile.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        // Newest note first, kept as written (the console shows it as text).
        Assert.Equal([("<b>Asked</b> for a refund in May.", "Luca"), ("Prefers to be called after 6 pm.", "Marie")],
            profile.GetProperty("notes").EnumerateArray().Select(n => (n.GetProperty("body").GetString(), n.GetProperty("authorName").GetString())));
        var identity = Assert.Single(profile.GetProperty("identities").EnumerateArray());
        Assert.Equal(("messenger", "psid-ann"), (identity.GetProperty("channel").GetString(), identity.GetProperty("externalId").GetString()));

        // Marie cannot delete Luca's note; Luca can. Removing an attribute and a tag.
        await Expect.ProblemAsync(await marie.DeleteAsync($"{api}/notes/{secondId}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await luca.DeleteAsync($"{api}/notes/{secondId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.DeleteAsync($"{api}/attributes/language")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.DeleteAsync($"{api}/tags/vip")).StatusCode);
        profile = await marie.GetFromJsonAsync<JsonElement>($"{api}/profile");
        Assert.Equal(["customer number"], profile.GetProperty("attributes").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(["complained twice"], profile.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Single(profile.GetProperty("notes").EnumerateArray());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Bad_input_is_refused_and_keeps_what_was_there(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var contact = await CustomerOnAsync(app, ChannelKind.Messenger, "100200300400777", "psid-ann", "Ann Lee");
        var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        var api = $"/api/console/contacts/{contact}";
        Assert.Equal(HttpStatusCode.NoContent, (await marie.PutAsJsonAsync($"{api}/attributes/plan", new { value = "premium" })).StatusCode);

        await Expect.ProblemAsync(await marie.PutAsJsonAsync($"{api}/attributes/plan", new { value = "   " }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await marie.PutAsJsonAsync($"{api}/attributes/plan", new { value = new string('x', ContactProfiles.MaxValueLength + 1) }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await marie.PutAsJsonAsync($"{api}/attributes/{Uri.EscapeDataString("a<b>")}", new { value = "x" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await marie.PostAsJsonAsync($"{api}/tags", new { tag = "no/slash" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await marie.PostAsJsonAsync($"{api}/notes", new { text = "" }), HttpStatusCode.BadRequest);
        for (var i = 0; i < ContactProfiles.MaxTags; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await marie.PostAsJsonAsync($"{api}/tags", new { tag = $"t{i}" })).StatusCode);
        }

        await Expect.ProblemAsync(await marie.PostAsJsonAsync($"{api}/tags", new { tag = "one more" }), HttpStatusCode.Conflict);
        await Expect.ProblemAsync(await marie.GetAsync("/api/console/contacts/424242/profile"), HttpStatusCode.NotFound);
        var profile = await marie.GetFromJsonAsync<JsonElement>($"{api}/profile");
        Assert.Equal("premium", profile.GetProperty("attributes")[0].GetProperty("value").GetString());
        Assert.Equal(ContactProfiles.MaxTags, profile.GetProperty("tags").GetArrayLength());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Linking_two_contacts_keeps_both_profiles(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var kept = await CustomerOnAsync(app, ChannelKind.Messenger, "100200300400777", "psid-ann", "Ann Lee");
        var merged = await CustomerOnAsync(app, ChannelKind.WhatsApp, "106540352242777", "393471234567", "Ann");
        var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        await marie.PutAsJsonAsync($"/api/console/contacts/{kept}/attributes/language", new { value = "it" });
        await marie.PutAsJsonAsync($"/api/console/contacts/{merged}/attributes/language", new { value = "en" });
        await marie.PutAsJsonAsync($"/api/console/contacts/{merged}/attributes/plan", new { value = "premium" });
        await marie.PostAsJsonAsync($"/api/console/contacts/{kept}/tags", new { tag = "vip" });
        await marie.PostAsJsonAsync($"/api/console/contacts/{merged}/tags", new { tag = "vip" });
        await marie.PostAsJsonAsync($"/api/console/contacts/{merged}/tags", new { tag = "whatsapp first" });
        await marie.PostAsJsonAsync($"/api/console/contacts/{merged}/notes", new { text = "Wrote on WhatsApp about a SIM card." });

        var linked = await marie.PostAsJsonAsync($"/api/console/contacts/{kept}/link", new { contactId = merged });
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);

        var profile = await marie.GetFromJsonAsync<JsonElement>($"/api/console/contacts/{kept}/profile");
        Assert.Equal([("language", "it"), ("plan", "premium")],
            profile.GetProperty("attributes").EnumerateArray().Select(a => (a.GetProperty("name").GetString(), a.GetProperty("value").GetString())));
        Assert.Equal(["vip", "whatsapp first"], profile.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Wrote on WhatsApp about a SIM card.", Assert.Single(profile.GetProperty("notes").EnumerateArray()).GetProperty("body").GetString());
        Assert.Equal(["messenger", "whatsApp"], profile.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("channel").GetString()).Order());
    }

    [Fact]
    public async Task A_web_guest_id_is_not_shown_a_verified_one_is()
    {
        await using var app = new ParleyApplication();
        using var guest = await app.GuestAsync();
        var opened = await guest.OpenAsync();
        var contact = await app.ContactOfAsync(opened.ConversationId);
        var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        var identity = Assert.Single((await marie.GetFromJsonAsync<JsonElement>($"/api/console/contacts/{contact}/profile")).GetProperty("identities").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, identity.GetProperty("externalId").ValueKind);
        Assert.False(identity.GetProperty("verified").GetBoolean());
    }
}
