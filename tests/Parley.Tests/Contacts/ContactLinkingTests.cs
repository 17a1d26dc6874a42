using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.WebMessaging;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Contacts;

public sealed class ContactLinkingTests
{
    private static async Task<(Inbox Inbox, long Contact, long Conversation)> WritesAsync(ParleyApplication app, ConnectionCredentials connection, string externalId, ContactProfile? profile = null)
    {
        var inbox = (await app.Service<InboxDirectory>().FindAsync(connection.InboxId, CancellationToken.None))!;
        var contact = await app.Service<ContactDirectory>().FindOrCreateAsync(inbox, externalId, true, profile, CancellationToken.None);
        var accepted = await app.Service<ConversationEngine>().AcceptAsync(
            new InboundMessage(inbox, contact, $"{externalId}-{Guid.NewGuid():N}", ContentType.Text, "hello"), CancellationToken.None);
        return (inbox, contact, accepted.ConversationId);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_links_the_same_person_on_two_channels_into_one_history(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var messenger = await TestConnections.AddAsync(app, ChannelKind.Messenger, "100200300400777");
        var whatsApp = await TestConnections.AddAsync(app, ChannelKind.WhatsApp, "106540352242777");
        var onMessenger = await WritesAsync(app, messenger, "psid-ann", new ContactProfile("Ann Lee", null));
        var onWhatsApp = await WritesAsync(app, whatsApp, "393471234567", new ContactProfile("Ann", null, "+393471234567"));
        Assert.NotEqual(onMessenger.Contact, onWhatsApp.Contact);
        var advisor = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        var found = await advisor.GetFromJsonAsync<JsonElement>("/api/console/contacts?q=ann");
        Assert.Equal(2, found.GetArrayLength());
        var linked = await advisor.PostAsJsonAsync($"/api/console/contacts/{onMessenger.Contact}/link", new { contactId = onWhatsApp.Contact });

        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        var card = await linked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Ann Lee", "+393471234567"), (card.GetProperty("name").GetString(), card.GetProperty("phone").GetString()));
        Assert.Equal(["messenger", "whatsApp"], card.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Order());
        var history = await advisor.GetFromJsonAsync<JsonElement>($"/api/console/contacts/{onMessenger.Contact}/conversations");
        Assert.Equal([onWhatsApp.Conversation, onMessenger.Conversation], history.EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
        Assert.False(await app.DbAsync(db => db.Contacts.AnyAsync(c => c.Id == onWhatsApp.Contact)));

        // The next WhatsApp message is the linked contact's.
        Assert.Equal(onMessenger.Contact, await app.Service<ContactDirectory>().FindOrCreateAsync(onWhatsApp.Inbox, "393471234567", true, null, CancellationToken.None));
        await Expect.ProblemAsync(await app.CreateClient().GetAsync("/api/console/contacts?q=ann"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await advisor.PostAsJsonAsync($"/api/console/contacts/{onMessenger.Contact}/link", new { contactId = 424242 }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_phone_number_or_a_signed_email_that_matches_makes_the_same_contact()
    {
        await using var app = new ParleyApplication();
        var first = await TestConnections.AddAsync(app, ChannelKind.WhatsApp, "106540352242777");
        var second = await TestConnections.AddAsync(app, ChannelKind.WhatsApp, "106540352242923");
        var onFirst = await WritesAsync(app, first, "393471234567", new ContactProfile("Ann", null, "+393471234567"));
        var onSecond = await WritesAsync(app, second, "393471234567", new ContactProfile("Ann", null, "+393471234567"));
        Assert.Equal(onFirst.Contact, onSecond.Contact);

        // A website customer whose signed profile carries the email of a contact known elsewhere.
        var messenger = await TestConnections.AddAsync(app, ChannelKind.Messenger, "100200300400777");
        var known = await WritesAsync(app, messenger, "psid-bob", new ContactProfile("Bob", "Bob@Example.com"));
        var widget = await app.DemoWidgetAsync();
        using var customer = app.Widget();
        var session = await customer.StartAsync(new SessionRequest("demo-website", null, "bob-site-id", IdentityVerification.Sign(widget.IdentitySecret, "bob-site-id"),
            "Bob", "bob@example.com", IdentityVerification.SignProfile(widget.IdentitySecret, "bob-site-id", "Bob", "bob@example.com")));
        Assert.Equal(known.Contact, session.ContactId);
    }

    [Fact]
    public async Task A_guest_who_signs_in_brings_the_conversation_to_the_verified_contact()
    {
        await using var app = new ParleyApplication();
        using var guest = await app.GuestAsync();
        var opened = await guest.OpenAsync();
        await guest.SendAsync("My parcel RR123456789IT is late");
        var guestContact = await app.ContactOfAsync(opened.ConversationId);
        var widget = await app.DemoWidgetAsync();

        using var signedIn = app.Widget();
        var session = await signedIn.StartAsync(new SessionRequest("demo-website", null, "carla", IdentityVerification.Sign(widget.IdentitySecret, "carla"),
            null, null, GuestRefreshToken: guest.Session!.RefreshToken));

        Assert.Equal(await app.ContactOfAsync(opened.ConversationId), session.ContactId);
        Assert.False(await app.DbAsync(db => db.Contacts.AnyAsync(c => c.Id == guestContact)));
        var reopened = await signedIn.OpenAsync();
        Assert.Equal(opened.ConversationId, reopened.ConversationId);
        Assert.Contains((await signedIn.MessagesAsync()).Messages, m => m.Text == "My parcel RR123456789IT is late");

        // Someone else's guest token, or a forged one, joins nothing; the sign-in itself goes on.
        using var other = await app.GuestAsync();
        await other.OpenAsync();
        using var dave = app.Widget();
        var daveSession = await dave.StartAsync(new SessionRequest("demo-website", null, "dave", IdentityVerification.Sign(widget.IdentitySecret, "dave"),
            null, null, GuestRefreshToken: "forged.token"));
        Assert.NotNull(daveSession.ContactId);
        Assert.NotEqual(await app.ContactOfAsync((await other.OpenAsync()).ConversationId), daveSession.ContactId);
    }
}
