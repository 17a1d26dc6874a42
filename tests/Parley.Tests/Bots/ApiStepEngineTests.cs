using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots;

/// <summary>A flow's API step through the engine: outside the write gate, in order with the customer's messages.</summary>
public sealed class ApiStepEngineTests
{
    private static string Flow(Uri api) => $$$"""
        name: Orders
        start: ask
        variables: [order, status]
        steps:
        - { id: ask, type: ask, expect: order_number, text: Your order number?, save_as: order, next: look }
        - id: look
          type: api
          api:
            url: "{{{api}}}orders/{{ vars.order }}"
            extract: { status: status }
            timeout_seconds: 10
            retries: 0
          on_success: said
          on_failure: sorry
        - { id: said, type: message, text: "Order {{ vars.order }}: {{ vars.status }}.", next: more }
        - { id: more, type: ask, text: Anything else?, next: bye }
        - { id: bye, type: resolve, text: "Noted: {{ message.text }}" }
        - { id: sorry, type: handoff, reason: The order service failed. }
        """;

    [Theory, OnSqlite, OnPostgres]
    public async Task A_slow_api_holds_up_only_its_own_conversation_and_the_messages_sent_meanwhile_come_after_its_answer(DatabaseProvider provider)
    {
        await using var api = await PlatformStandIn.StartAsync();
        api.Latency = TimeSpan.FromSeconds(3);
        api.Respond = _ => StandInResponse.Ok(new { status = "shipped" });
        await using var database = TestDatabase.Create(provider);
        await using var app = new ParleyApplication(database);
        var manager = await ConsoleLogin.SignedInAsync(app, "chiara@parley.local");
        await FlowsApiTests.PublishAsync(manager, Flow(api.BaseUrl));

        var waiting = await WidgetClient.OpenedAsync(app);
        await waiting.WaitForAsync(m => m.Messages.Any(x => x.Text == "Your order number?"), "the question");
        await waiting.SendAsync("order 123456");
        await Expect.UntilAsync(() => Task.FromResult(!api.Requests.IsEmpty), "the API called");
        await waiting.SendAsync("and a second thing");

        // Meanwhile another customer is greeted and answered at once: nothing waits on the API.
        var clock = Stopwatch.StartNew();
        var other = await WidgetClient.OpenedAsync(app);
        await other.WaitForAsync(m => m.Messages.Any(x => x.Text == "Your order number?"), "the other greeting");
        await other.SendAsync("no number");
        await other.WaitForAsync(m => m.Messages.Count(x => x.AuthorKind == Parley.Conversations.AuthorKind.Bot) >= 2, "the other's retry");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"the other conversation took {clock.Elapsed} beside a 3 s API call");
        Assert.DoesNotContain((await waiting.MessagesAsync()).Messages, m => m.Text == "Order 123456: shipped.");

        var done = await waiting.WaitForAsync(m => m.Status == "resolved", "the answer, then the message sent meanwhile");
        var texts = done.Messages.Select(m => m.Text).ToList();
        Assert.True(texts.IndexOf("Order 123456: shipped.") < texts.IndexOf("Noted: and a second thing"), string.Join(" | ", texts));
        Assert.Single(api.Requests);
        Assert.EndsWith("/orders/123456", api.Requests.Single().Path, StringComparison.Ordinal);
        Assert.Equal(0, await app.DbAsync(db => db.Messages.CountAsync(m => !m.Processed)));
    }
}
