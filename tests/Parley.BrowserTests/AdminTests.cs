using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>
/// An admin creates a skill, a queue and an advisor who has both, in the console; the new advisor signs in in another
/// browser context and goes busy, then online.
/// </summary>
public sealed class AdminTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task An_admin_creates_an_advisor_with_a_skill_and_a_queue_who_signs_in_and_goes_busy_then_online()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var admin = await OpenAdminPageAsync(desk);

        await admin.Locator("#tab-skills").ClickAsync();
        await admin.Locator("#new-skill-name").FillAsync("Claims");
        await admin.Locator("#create-skill").ClickAsync();
        await Assertions.Expect(admin.Locator("#skills")).ToContainTextAsync("Claims", new() { Timeout = Timeout });

        await admin.Locator("#tab-queues").ClickAsync();
        await admin.Locator("#new-queue-name").FillAsync("Claims desk");
        await admin.Locator("#create-queue").ClickAsync();
        await Assertions.Expect(admin.Locator("#queues")).ToContainTextAsync("Claims desk", new() { Timeout = Timeout });

        await admin.Locator("#tab-advisors").ClickAsync();
        await admin.Locator("#new-email").FillAsync("nina@parley.local");
        await admin.Locator("#new-name").FillAsync("Nina <b>Neri</b>");
        await admin.Locator("#new-advisor input.new-account").First.CheckAsync();
        await admin.Locator("#new-password").FillAsync("browser-test");
        await admin.Locator("#create-advisor").ClickAsync();

        var edit = admin.Locator("#edit-advisor");
        await Assertions.Expect(edit).ToContainTextAsync("nina@parley.local", new() { Timeout = Timeout });
        await edit.Locator("label.admin-check", new() { HasText = "Claims desk" }).Locator("input").CheckAsync();
        await edit.Locator("select.edit-skill[data-skill='Claims']").SelectOptionAsync("3");
        await admin.Locator("#save-advisor").ClickAsync();
        var row = admin.Locator("#advisors tbody tr", new() { HasText = "nina@parley.local" });
        await Assertions.Expect(row.Locator(".advisor-queues")).ToContainTextAsync("Claims desk", new() { Timeout = Timeout });
        await Assertions.Expect(row.Locator(".advisor-skills")).ToHaveTextAsync("Claims 3", new() { Timeout = Timeout });
        // A name is text, never markup.
        await Assertions.Expect(row.Locator(".advisor-name-cell")).ToContainTextAsync("Nina <b>Neri</b>");

        await using var otherDesk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var nina = await otherDesk.NewPageAsync();
        await HybridConversationTests.SignInAsync(nina, "nina@parley.local");
        var toggle = nina.Locator("#presence-toggle");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-presence", "offline", new() { Timeout = Timeout });
        await nina.Locator("#presence-menu").SelectOptionAsync("busy");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-presence", "busy", new() { Timeout = Timeout });
        await Assertions.Expect(toggle).ToHaveTextAsync("Busy");
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-presence", "online", new() { Timeout = Timeout });
        await Assertions.Expect(toggle).ToContainTextAsync("Online");
    }

    [ChromiumFact]
    public async Task The_admin_page_shows_the_channel_weights_and_why_a_queue_cannot_be_deleted()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var admin = await OpenAdminPageAsync(desk);

        await admin.Locator("#tab-skills").ClickAsync();
        var whatsApp = admin.Locator("#weights td.weight-units[data-channel='WhatsApp']");
        await Assertions.Expect(whatsApp).ToHaveTextAsync("1", new() { Timeout = Timeout });
        await admin.Locator("#weight-channel").SelectOptionAsync("WhatsApp");
        await admin.Locator("#weight-units").FillAsync("3");
        await admin.Locator("#set-weight").ClickAsync();
        await Assertions.Expect(whatsApp).ToHaveTextAsync("3", new() { Timeout = Timeout });
        await Assertions.Expect(admin.Locator(".admin-message.check-ok")).ToHaveTextAsync("WhatsApp weighs 3.");
        await Assertions.Expect(admin.Locator("#weights td.weight-units[data-channel='Messenger']")).ToHaveTextAsync("1");

        // The website's bot sends customers to Parcels: the refusal says so where the admin clicked.
        await admin.Locator("#tab-queues").ClickAsync();
        await admin.Locator("#queues tbody tr", new() { HasText = "Parcels" }).Locator(".delete-queue").ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-queues .admin-message.problem")).ToContainTextAsync("hands over to this queue: change it first", new() { Timeout = Timeout });
        await Assertions.Expect(admin.Locator("#queues")).ToContainTextAsync("Parcels");
    }

    /// <summary>The demo's admin signed in, on the admin page once it has loaded its advisors.</summary>
    private static async Task<IPage> OpenAdminPageAsync(IBrowserContext desk)
    {
        var admin = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(admin, "admin@parley.local");
        await admin.Locator("#nav-admin").ClickAsync();
        await Assertions.Expect(admin.Locator("#advisors")).ToContainTextAsync("Marie", new() { Timeout = 2 * Timeout });
        return admin;
    }
}
