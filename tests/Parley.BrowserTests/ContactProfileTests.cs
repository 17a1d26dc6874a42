using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>The customer's profile beside the conversation: an advisor keeps an attribute, a tag and a note, shown as text.</summary>
public sealed class ContactProfileTests
{
    private const float Timeout = 20_000;

    [ChromiumFact]
    public async Task An_advisor_keeps_an_attribute_a_tag_and_a_note_on_the_customer()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        var conversationId = await WidgetHttp.ConversationAsync(server, "Nora", "Where is my parcel?");
        await using var context = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var sam = await context.NewPageAsync();
        await HybridConversationTests.SignInAsync(sam, "supervisor@parley.local");

        await sam.GotoAsync($"/console/{conversationId}");
        await sam.Locator("#contact-panel summary").ClickAsync(new() { Timeout = Timeout });
        // Known on the website as a guest: the browser's random id is not shown.
        var identity = sam.Locator("#contact-identities li");
        await Assertions.Expect(identity).ToContainTextAsync("Web", new() { Timeout = Timeout });
        await Assertions.Expect(identity).ToContainTextAsync("guest");

        await sam.Locator("#contact-attr-name").FillAsync("customer number");
        await sam.Locator("#contact-attr-value").FillAsync("LP-4471");
        await sam.Locator("#contact-attr-save").ClickAsync();
        await Assertions.Expect(sam.Locator("#contact-attributes dd[data-name=\"customer number\"] .attribute-value")).ToHaveTextAsync("LP-4471", new() { Timeout = Timeout });
        await sam.Locator("#contact-tag-input").FillAsync("VIP");
        await sam.Locator("#contact-tag-input").PressAsync("Enter");
        await Assertions.Expect(sam.Locator("#contact-tags .contact-tag[data-tag=\"vip\"]")).ToBeVisibleAsync(new() { Timeout = Timeout });
        const string Note = "<img src=x onerror=alert(1)> prefers calls after 6 pm";
        await sam.Locator("#contact-note-input").FillAsync(Note);
        await sam.Locator("#contact-note-add").ClickAsync();
        var note = sam.Locator("#contact-notes .contact-note-body").First;
        await Assertions.Expect(note).ToHaveTextAsync(Note, new() { Timeout = Timeout });
        await Assertions.Expect(sam.Locator("#contact-notes img")).ToHaveCountAsync(0);
        // A bad tag is refused in words, and nothing is lost.
        await sam.Locator("#contact-tag-input").FillAsync("no/slash");
        await sam.Locator("#contact-tag-input").PressAsync("Enter");
        await Assertions.Expect(sam.Locator("#contact-profile-problem")).ToBeVisibleAsync(new() { Timeout = Timeout });

        // Kept with the customer: there after a reload.
        await sam.ReloadAsync();
        await sam.Locator("#contact-panel summary").ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(sam.Locator("#contact-attributes dd[data-name=\"customer number\"] .attribute-value")).ToHaveTextAsync("LP-4471", new() { Timeout = Timeout });
        await Assertions.Expect(sam.Locator("#contact-tags .contact-tag[data-tag=\"vip\"]")).ToBeVisibleAsync();
        await Assertions.Expect(sam.Locator("#contact-notes .contact-note-foot").First).ToContainTextAsync("Sam (supervisor)");
    }
}
