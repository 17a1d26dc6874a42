using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.Console.Notes;

namespace Parley.BrowserTests;

/// <summary>An @mention shows at once in the named advisor's badge, and is read when they open the conversation.</summary>
public sealed class MentionsTests
{
    private const float Timeout = 20_000;

    [ChromiumFact]
    public async Task A_mention_is_read_when_its_conversation_is_opened()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        var conversationId = await WidgetHttp.ConversationAsync(server, "Nora", "My parcel is late");
        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        var count = marie.Locator("#mentions-count");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "0", new() { Timeout = Timeout });

        var sam = await AdvisorSessions.OfAsync(server, "supervisor@parley.local");
        var note = await server.Services.GetRequiredService<ConversationNotes>().AddAsync(sam, conversationId, "@Marie could you look at this one?", CancellationToken.None);
        Assert.NotNull(note.Note);
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "1", new() { Timeout = Timeout });

        // A second tab of Marie's drops the mention too when the first opens the conversation.
        var other = await desk.NewPageAsync();
        await other.GotoAsync("/console");
        await Assertions.Expect(other.Locator("#mentions-count")).ToHaveAttributeAsync("data-count", "1", new() { Timeout = Timeout });
        await marie.GotoAsync($"/console/{conversationId}");
        await Assertions.Expect(marie.Locator("#conversation-view .note", new() { HasText = "could you look" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#mentions-count")).ToHaveAttributeAsync("data-count", "0", new() { Timeout = Timeout });
        await Assertions.Expect(other.Locator("#mentions-count")).ToHaveAttributeAsync("data-count", "0", new() { Timeout = Timeout });
    }

    [ChromiumFact]
    public async Task A_mention_opened_from_the_badge_on_another_console_page_opens_its_conversation_without_a_reload()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        var conversationId = await WidgetHttp.ConversationAsync(server, "Nora", "My parcel is late");
        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        await marie.GotoAsync("/console/replies");
        var count = marie.Locator("#mentions-count");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "0", new() { Timeout = Timeout });

        var sam = await AdvisorSessions.OfAsync(server, "supervisor@parley.local");
        await server.Services.GetRequiredService<ConversationNotes>().AddAsync(sam, conversationId, "@Marie the customer called twice", CancellationToken.None);
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "1", new() { Timeout = Timeout });

        await marie.EvaluateAsync("() => { window.parleyNotReloaded = true; }");
        await marie.Locator("#mentions-toggle").ClickAsync();
        await marie.Locator("#mentions-list .mention", new() { HasText = "called twice" }).ClickAsync();
        await Assertions.Expect(marie).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($@"/console/{conversationId}$"), new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#conversation-view .note", new() { HasText = "called twice" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(count).ToHaveAttributeAsync("data-count", "0", new() { Timeout = Timeout });
        Assert.True(await marie.EvaluateAsync<bool>("() => window.parleyNotReloaded === true"), "opening the mention reloaded the page");
    }
}
