using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.Contacts;
using Parley.Data;
using Parley.Identity;

namespace Parley.BrowserTests;

/// <summary>
/// Issue 12's scenario in real browsers: an advisor finds a conversation by a word of a message, opens it from a shared
/// link, sees the customer's earlier conversation on another channel and the CRM panel, answers with a favourite reply
/// via '/', and asks for help; a supervisor in another browser context sees the help request and the queue figures
/// change live, and reassigns the conversation.
/// </summary>
public sealed class LargeTeamScenarioTests
{
    private const float Timeout = 20_000;

    [ChromiumFact]
    public async Task An_advisor_finds_answers_and_asks_for_help_and_a_supervisor_follows_live()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        // Last week Alice wrote on Messenger (the simulator); today she writes on the website, signed in.
        await using var customerContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var simulator = await customerContext.NewPageAsync();
        await simulator.GotoAsync("/simulator");
        await SocialChannelsTests.StartChatAsync(simulator, "messenger", "Alice Martin", "Hello, I am moving house next month");
        var phone = await customerContext.NewPageAsync();
        await HybridConversationTests.AliceAsksAboutParcelsAsync(phone);
        await phone.Locator("#parley-input").FillAsync("My pomegranate parcel is stuck at the depot");
        await phone.Locator("#parley-input").PressAsync("Enter");
        await LinkAliceAsync(server);

        // The advisor finds the conversation by a word of it, and opens the link a colleague would share.
        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        await HybridConversationTests.GoOnlineAsync(marie);
        await marie.Locator("#filter-search").FillAsync("pomegranate");
        await marie.Locator("#filter-search").PressAsync("Enter");
        var row = marie.Locator(".conv-row");
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await row.ClickAsync();
        await Assertions.Expect(marie.Locator("#conversation-view .msg-customer", new() { HasText = "pomegranate" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        var shared = await desk.NewPageAsync();
        await shared.GotoAsync(marie.Url);
        await marie.CloseAsync();
        marie = shared;
        await Assertions.Expect(marie.Locator("#conversation-view .msg-customer", new() { HasText = "pomegranate" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // Beside it: her earlier conversation on Messenger, and her record in the brand's CRM.
        await marie.Locator("#contact-panel summary").ClickAsync();
        await Assertions.Expect(marie.Locator("#contact-panel .contact-history li")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#contact-panel .contact-history li", new() { HasText = "Messenger" })).ToBeVisibleAsync();
        await Assertions.Expect(marie.Locator("#crm-panel .crm-title")).ToContainTextAsync("customer file", new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#crm-record")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^https://crm\\.laposta\\.example/customers/"));

        // A favourite reply through '/', filled in for Alice and signed by Marie.
        var input = marie.Locator("#reply-input");
        await Assertions.Expect(input).ToBeEnabledAsync(new() { Timeout = Timeout });
        await input.PressSequentiallyAsync("/code");
        await Assertions.Expect(marie.Locator("#favourite-picker .favourite-option")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await input.PressAsync("Enter");
        await Assertions.Expect(input).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^Could you send me your tracking code, Alice\\?"), new() { Timeout = Timeout });
        await input.PressAsync("Enter");
        await Assertions.Expect(phone.Locator(".parley-msg", new() { HasText = "Could you send me your tracking code, Alice?" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // The supervisor watches the floor from another browser.
        await using var office = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var sam = await office.NewPageAsync();
        await HybridConversationTests.SignInAsync(sam, "supervisor@parley.local");
        await sam.Locator("#nav-supervision").ClickAsync();
        var bank = sam.Locator("#supervision-queues tbody tr", new() { HasText = "Bank" });
        await Assertions.Expect(bank.Locator(".waiting")).ToHaveTextAsync("0", new() { Timeout = Timeout });

        // Another customer asks for the bank, where nobody is online: the queue's figure moves without a reload.
        await using var laptop = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var bob = await laptop.NewPageAsync();
        await bob.GotoAsync("/demo");
        await bob.Locator("#parley-launcher").ClickAsync();
        await bob.Locator(".parley-option", new() { HasText = "Bank" }).ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(bank.Locator(".waiting")).ToHaveTextAsync("1", new() { Timeout = Timeout });

        // Marie asks for help on Alice's conversation: the supervisor's badge shows it at once.
        await marie.Locator("#help-ask").ClickAsync(new() { Timeout = Timeout });
        await marie.Locator("#help-note").FillAsync("Alice's parcel is stuck: can we refund the postage?");
        await marie.Locator("#help-send").ClickAsync();
        await Assertions.Expect(marie.Locator("#help-own")).ToContainTextAsync("waiting", new() { Timeout = Timeout });
        await Assertions.Expect(sam.Locator("#help-count")).ToHaveTextAsync("1", new() { Timeout = Timeout });

        // The supervisor reassigns Alice's conversation to the Bank queue from the supervision view.
        var bankId = await QueueIdAsync(server, "Bank");
        await sam.Locator("#supervision-queues tbody tr", new() { HasText = "Parcels" }).Locator(".queue-open").ClickAsync();
        var alice = sam.Locator("#supervision-conversations .queue-conversation", new() { HasText = "Marie" });
        await Assertions.Expect(alice).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await alice.Locator(".reassign-target").SelectOptionAsync($"queue:{bankId}");
        await alice.Locator(".reassign").ClickAsync();
        await Assertions.Expect(bank.Locator(".waiting")).ToHaveTextAsync("2", new() { Timeout = Timeout });
    }

    private static async Task<long> QueueIdAsync(ParleyServer server, string name)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        return await db.Queues.Where(q => q.Name == name).Select(q => q.Id).FirstAsync();
    }

    /// <summary>Alice's website contact and her Messenger contact are one person: linked as an advisor would from the contact panel.</summary>
    private static async Task LinkAliceAsync(ParleyServer server)
    {
        var dbs = server.Services.GetRequiredService<IDbContextFactory<ParleyDb>>();
        await using var db = await dbs.CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long? web = null, messenger = null;
        while ((web is null || messenger is null) && DateTime.UtcNow < deadline)
        {
            web = await db.ContactIdentities.Where(i => i.ExternalId == "user:alice" && i.Verified).Select(i => (long?)i.ContactId).FirstOrDefaultAsync();
            messenger = await (from i in db.ContactIdentities
                               join inbox in db.Inboxes on i.InboxId equals inbox.Id
                               where inbox.Channel == Parley.Channels.ChannelKind.Messenger
                               select (long?)i.ContactId).FirstOrDefaultAsync();
            await Task.Delay(200);
        }

        Assert.True(web is not null && messenger is not null, "both of Alice's contacts exist");
        var adminId = await db.Advisors.Where(a => a.Email == "admin@parley.local").Select(a => a.Id).FirstAsync();
        var admin = (await CurrentAdvisor.LoadAsync(dbs, adminId, CancellationToken.None))!;
        Assert.Equal(MergeOutcome.Merged, await server.Services.GetRequiredService<ContactActions>().LinkAsync(admin, web!.Value, messenger!.Value, CancellationToken.None));
    }
}
