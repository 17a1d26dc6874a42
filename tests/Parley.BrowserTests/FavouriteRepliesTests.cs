using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.Console.Replies;
using Parley.Data;
using Parley.Identity;

namespace Parley.BrowserTests;

/// <summary>An advisor answers with a favourite reply ('/' in the composer, pick it, the text filled for this customer is sent), then notes for a colleague.</summary>
public sealed class FavouriteRepliesTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task An_advisor_answers_with_a_favourite_reply_picked_after_a_slash()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await ShareReplyAsync(server, "tracking", "Parcel on its way",
            "Hello {{ contact.first_name }}, {{ advisor.first_name }} here: your parcel is on its way.");
        await ShareReplyAsync(server, "thanks", "Thank you", "Thank you for your patience!");
        await using var browser = await Browser.LaunchAsync();

        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        await HybridConversationTests.GoOnlineAsync(marie);
        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await HybridConversationTests.AliceAsksAboutParcelsAsync(customer);

        await marie.Locator(".conv-row").First.ClickAsync(new() { Timeout = Timeout });
        var input = marie.Locator("#reply-input");
        await Assertions.Expect(input).ToBeEnabledAsync(new() { Timeout = Timeout });

        // '/' lists these two and the demo brand's two; typing filters by shortcut and title; Escape closes without touching the text.
        await input.PressSequentiallyAsync("/");
        var options = marie.Locator("#favourite-picker .favourite-option");
        await Assertions.Expect(options).ToHaveCountAsync(4, new() { Timeout = Timeout });
        await input.PressAsync("Escape");
        await Assertions.Expect(marie.Locator("#favourite-picker")).ToBeHiddenAsync();
        await input.PressAsync("Backspace");

        await input.PressSequentiallyAsync("Hi! /way");
        await Assertions.Expect(options).ToHaveCountAsync(1);
        await Assertions.Expect(options.First).ToContainTextAsync("/tracking");
        await input.PressAsync("Enter");
        await Assertions.Expect(input).ToHaveValueAsync("Hi! Hello Alice, Marie here: your parcel is on its way.", new() { Timeout = Timeout });

        // The advisor can still edit it; Enter then sends it to the customer.
        await input.PressSequentiallyAsync(" 🙂");
        await input.PressAsync("Enter");
        var sent = "Hi! Hello Alice, Marie here: your parcel is on its way. 🙂";
        await Assertions.Expect(marie.Locator("#conversation-view .msg-advisor .msg-text", new() { HasText = sent })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(customer.Locator(".parley-msg", new() { HasText = sent })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // Note mode: '@' offers the account's advisors; the note shows in the timeline, never on the customer's side.
        await marie.Locator("#reply-note-mode").CheckAsync();
        await input.PressSequentiallyAsync("@lu");
        await Assertions.Expect(options).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await input.PressAsync("Enter");
        await Assertions.Expect(input).ToHaveValueAsync("@Luca ");
        await input.PressSequentiallyAsync("please check the depot");
        await input.PressAsync("Enter");
        await Assertions.Expect(marie.Locator("#conversation-view .note .note-text")).ToHaveTextAsync("@Luca please check the depot", new() { Timeout = Timeout });
        await Assertions.Expect(customer.Locator(".parley-msg", new() { HasText = "depot" })).ToHaveCountAsync(0);

        // Typing on while a send is on its way (held here at the database's write gate): only what was sent leaves the
        // box, what follows it stays.
        var held = await server.Services.GetRequiredService<WriteGate>().EnterAsync(CancellationToken.None);
        await input.PressSequentiallyAsync("first note");
        await input.PressAsync("Enter");
        await input.PressSequentiallyAsync("second");
        held.Dispose();
        await Assertions.Expect(marie.Locator("#conversation-view .note .note-text", new() { HasText = "first note" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(input).ToHaveValueAsync("second", new() { Timeout = Timeout });
    }

    /// <summary>A reply the supervisor shares with the whole demo account.</summary>
    private static async Task ShareReplyAsync(ParleyServer server, string shortcut, string title, string body)
    {
        var dbs = server.Services.GetRequiredService<IDbContextFactory<ParleyDb>>();
        await using var db = await dbs.CreateDbContextAsync();
        var supervisorId = await db.Advisors.Where(a => a.Email == "supervisor@parley.local").Select(a => a.Id).FirstAsync();
        var supervisor = (await CurrentAdvisor.LoadAsync(dbs, supervisorId, CancellationToken.None))!;
        var outcome = await server.Services.GetRequiredService<FavouriteReplies>().CreateAsync(
            supervisor, new FavouriteReplyInput(ReplyScope.Account, supervisor.AccountIds.Single(), null, title, shortcut, body), CancellationToken.None);
        Assert.Equal(ReplyOutcomeKind.Ok, outcome.Kind);
    }
}
