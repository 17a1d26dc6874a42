using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>
/// The public conversations' scenario in a real browser, through the demo's simulator: a customer comments under one of
/// La Posta's Facebook posts; an advisor sees a public conversation, replies publicly after the confirmation, then moves
/// the customer to private with "Reply in private". The simulator shows the brand's reply under the comment and the
/// private message in the customer's chat; the console links the two conversations both ways.
/// </summary>
public sealed class PublicConversationTests
{
    private const float Timeout = 20_000;
    private const string PostText = "national strike on 26 November";
    private const string Comment = "My parcel is stuck since the strike, when will it arrive?";
    private const string PublicReply = "Sorry for the wait, Giulia: we are looking into it for you.";
    private const string PrivateReply = "Could you send us your tracking code here, Giulia?";

    [ChromiumFact]
    public async Task A_comment_becomes_a_public_conversation_answered_in_public_then_moved_to_private()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        // Luca serves Parcels, the inbox's default queue, where public conversations go while the public bot is off.
        await using var advisorContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var console = await advisorContext.NewPageAsync();
        await HybridConversationTests.SignInAsync(console, "luca@parley.local");
        await HybridConversationTests.GoOnlineAsync(console);

        // The customer, created on Messenger (the Facebook Page), comments under the strike post.
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
        var commentBox = post.GetByPlaceholder("Write a comment…");
        await commentBox.FillAsync(Comment);
        await commentBox.PressAsync("Enter");
        var comment = post.Locator("li.comment:not(.brand)", new() { HasText = Comment });
        await Assertions.Expect(comment).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(comment.Locator(".hook").First).ToHaveTextAsync("webhook → 200", new() { Timeout = Timeout });

        // The advisor gets a public conversation, marked Public, with the post above the thread.
        var row = console.Locator(".conv-row", new() { HasText = "Giulia" });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(row.Locator(".conv-public")).ToHaveTextAsync("Public");
        await row.ClickAsync();
        await Assertions.Expect(console.Locator("#conversation-public")).ToBeVisibleAsync(new() { Timeout = Timeout });
        // Facebook's comment webhook names the post and its link, not its text: Parley reads the post from the (simulated)
        // Graph API, and the card shows its text and links to it.
        await Assertions.Expect(console.Locator("#public-post")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#public-post .public-post-text")).ToContainTextAsync(PostText, new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#public-post .public-post-link"))
            .ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^https://www\\.facebook\\.com/100200300400500/posts/[0-9]+$"), new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#conversation-view .msg-customer", new() { HasText = Comment })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // The public reply asks for a confirmation first.
        await Assertions.Expect(console.Locator("#reply-public")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#reply-input")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await console.Locator("#reply-input").FillAsync(PublicReply);
        await Assertions.Expect(console.Locator("#reply-send")).ToHaveTextAsync("Reply publicly");
        await console.Locator("#reply-send").ClickAsync();
        var confirm = console.Locator("#public-confirm");
        await Assertions.Expect(confirm).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(confirm).ToContainTextAsync("public");
        await console.Locator("#public-confirm-send").ClickAsync();
        await Assertions.Expect(confirm).ToBeHiddenAsync(new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#conversation-view .msg-advisor", new() { HasText = PublicReply })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // The simulator shows La Posta's reply under the comment, signed with the advisor's name.
        var brandReply = post.Locator("li.comment.brand", new() { HasText = PublicReply });
        await Assertions.Expect(brandReply).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(brandReply).ToContainTextAsync("— Luca");
        await Assertions.Expect(brandReply).ToContainTextAsync("La Posta ✓");

        // The advisor moves the customer to private from the comment's menu.
        var customerMessage = console.Locator("#conversation-view .msg-customer", new() { HasText = Comment });
        await Assertions.Expect(customerMessage.Locator(".msg-menu .msg-private")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await customerMessage.Locator(".msg-menu .msg-private").ClickAsync();
        await customerMessage.Locator(".msg-private-text").FillAsync(PrivateReply);
        await customerMessage.Locator(".msg-private-send").ClickAsync();
        await Assertions.Expect(customerMessage.Locator(".msg-private-replied")).ToHaveTextAsync("Answered in private", new() { Timeout = Timeout });

        // The simulator: the comment is marked as answered in private, and the message is in the customer's chat.
        await Assertions.Expect(comment.Locator(".private")).ToContainTextAsync("La Posta responded privately", new() { Timeout = Timeout });
        await simulator.Locator("#view-chat").ClickAsync();
        var privateMessage = simulator.Locator("#chat .msg.brand .bubble", new() { HasText = PrivateReply });
        await Assertions.Expect(privateMessage).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(privateMessage).ToContainTextAsync("— Luca");

        // The console links the public conversation to the private one, and back.
        var publicId = await console.Locator("#conversation-view").GetAttributeAsync("data-conversation-id");
        var toPrivate = console.Locator("#conversation-link");
        await Assertions.Expect(toPrivate).ToHaveTextAsync("Continued in private →", new() { Timeout = Timeout });
        await toPrivate.ClickAsync();
        await Assertions.Expect(console.Locator("#conversation-view")).Not.ToHaveAttributeAsync("data-conversation-id", publicId!, new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#conversation-public")).ToBeHiddenAsync(new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#conversation-view .msg-advisor", new() { HasText = PrivateReply })).ToBeVisibleAsync(new() { Timeout = Timeout });
        var back = console.Locator("#conversation-link");
        await Assertions.Expect(back).ToHaveTextAsync("← From a public comment", new() { Timeout = Timeout });
        // The private view re-renders its header as the conversation's events arrive (the private reply's delivery): a
        // click that lands while the link is being replaced is lost, as it would be for a person, who clicks again.
        var view = console.Locator("#conversation-view");
        for (var attempt = 1; await view.GetAttributeAsync("data-conversation-id") != publicId && attempt <= 3; attempt++)
        {
            await back.ClickAsync();
            try
            {
                await Assertions.Expect(view).ToHaveAttributeAsync("data-conversation-id", publicId!, new() { Timeout = 5_000 });
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }

        await Assertions.Expect(view).ToHaveAttributeAsync("data-conversation-id", publicId!, new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#conversation-public")).ToBeVisibleAsync(new() { Timeout = Timeout });
    }
}
