using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>
/// A channel manager in a real browser: turns the public bot on for the Facebook Page from the console, with a keyword
/// that sends a comment to an advisor; a customer's comment in the simulator gets the bot's public answer and private
/// reply; a comment with the keyword goes to the console instead, where the channel manager flags its post in crisis.
/// </summary>
public sealed class PublicBotPageTests
{
    private const float Timeout = 20_000;
    private const string PostText = "national strike on 26 November";
    private const string BotAnswer = "Thanks for your comment: we have written to you in private.";
    private const string BotPrivateReply = "Hello from La Posta! Tell us your tracking code here.";

    [ChromiumFact]
    public async Task A_channel_manager_turns_the_public_bot_on_and_flags_a_post_in_crisis()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        await using var managerContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var manager = await managerContext.NewPageAsync();
        await HybridConversationTests.SignInAsync(manager, "chiara@parley.local");
        await manager.GotoAsync("/console/flows");
        var link = manager.Locator("#public-connections li", new() { HasText = "(Messenger)" }).Locator("a.public-bot");
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = Timeout });
        await link.ClickAsync();
        var form = manager.Locator("#public-bot");
        await Assertions.Expect(form.Locator("button[type=submit]")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await form.Locator("select").First.SelectOptionAsync("AutoReply");
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Public answer" }).FillAsync(BotAnswer);
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Private reply" }).FillAsync(BotPrivateReply);
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Keywords for an advisor" }).FillAsync("lawyer");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(form.Locator(".saved")).ToHaveTextAsync("Saved.", new() { Timeout = Timeout });
        await manager.ReloadAsync();
        await Assertions.Expect(manager.Locator("#public-bot").GetByRole(AriaRole.Textbox, new() { Name = "Public answer" })).ToHaveValueAsync(BotAnswer, new() { Timeout = Timeout });

        // A customer comments under the strike post: the bot answers in public and writes to them in private.
        await using var customerContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var simulator = await customerContext.NewPageAsync();
        await simulator.GotoAsync("/simulator");
        await simulator.Locator(".net[data-network=\"messenger\"]").ClickAsync();
        await simulator.Locator("#new-customer input[name=name]").FillAsync("Giulia");
        await simulator.Locator("#new-customer button[type=submit]").ClickAsync();
        await Assertions.Expect(simulator.Locator("#text")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await simulator.Locator("#view-posts").ClickAsync();
        var post = simulator.Locator("#feed article.post", new() { HasText = PostText });
        await Assertions.Expect(post).ToBeVisibleAsync(new() { Timeout = Timeout });
        await CommentAsync(post, "When will my parcel arrive?");
        var answered = post.Locator("li.comment:not(.brand)", new() { HasText = "When will my parcel arrive?" });
        await Assertions.Expect(post.Locator("li.comment.brand", new() { HasText = BotAnswer })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(answered.Locator(".private")).ToContainTextAsync("La Posta responded privately", new() { Timeout = Timeout });

        // The keyword sends the next comment to an advisor: it shows in the console, not answered by the bot.
        await CommentAsync(post, "I will call my lawyer about this");
        await manager.GotoAsync("/console");
        var row = manager.Locator(".conv-row", new() { HasText = "Giulia" });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        await row.ClickAsync();
        await Assertions.Expect(manager.Locator("#conversation-view .msg-customer", new() { HasText = "my lawyer" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(post.Locator("li.comment.brand")).ToHaveCountAsync(1);

        // From the post's card, the channel manager flags the post in crisis; the flag stays after a reload.
        var toggle = manager.Locator("#post-crisis-toggle");
        await Assertions.Expect(toggle).ToHaveTextAsync("Flag in crisis", new() { Timeout = Timeout });
        await toggle.ClickAsync();
        await Assertions.Expect(manager.Locator("#post-crisis-badge")).ToContainTextAsync("In crisis since", new() { Timeout = Timeout });
        await Assertions.Expect(toggle).ToHaveTextAsync("End the crisis", new() { Timeout = Timeout });
        await manager.ReloadAsync();
        await manager.Locator(".conv-row", new() { HasText = "Giulia" }).ClickAsync();
        await Assertions.Expect(manager.Locator("#post-crisis-badge")).ToBeVisibleAsync(new() { Timeout = Timeout });
    }

    private static async Task CommentAsync(ILocator post, string text)
    {
        var box = post.GetByPlaceholder("Write a comment…");
        await box.FillAsync(text);
        await box.PressAsync("Enter");
        await Assertions.Expect(post.Locator("li.comment:not(.brand)", new() { HasText = text }).Locator(".hook").First)
            .ToHaveTextAsync("webhook → 200", new() { Timeout = Timeout });
    }
}
