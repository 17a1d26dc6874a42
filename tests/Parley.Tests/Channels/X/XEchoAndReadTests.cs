using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Delivery;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.X;

public sealed class XEchoAndReadTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Echoes_of_parleys_own_dms_are_ignored_even_before_the_send_is_recorded(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);

        // X delivers the echo of each DM Parley sends before it answers the send: the event id is not recorded yet.
        x.Api.Respond = r =>
        {
            var accepted = x.Accepted();
            var id = System.Text.Json.JsonDocument.Parse(accepted.Json).RootElement.GetProperty("data").GetProperty("dm_event_id").GetString()!;
            var echo = XPayloads.Events(XPayloads.Dm(id, XChannel.AccountId, XPayloads.Customer, r.Json.GetProperty("text").GetString()!));
            var answer = x.PostAsync(echo).GetAwaiter().GetResult();
            return answer.IsSuccessStatusCode ? accepted : new StandInResponse(500, "{}");
        };
        await x.PostOkAsync(XPayloads.FromCustomer("1001", "Hello"));
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 1), "the topic list sent");
        var conversation = await x.ConversationOfAsync(XPayloads.Customer);
        await PushChannel.AddAsync(x.App, conversation.Id, "Let me check.");
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 2), "the reply sent");
        await PushChannel.UntilSettledAsync(x.App);

        // And once recorded, a late redelivery of the echo is known by its id.
        x.Api.Respond = _ => x.Accepted();
        await x.PostOkAsync(XPayloads.Events(XPayloads.Dm("900000002", XChannel.AccountId, XPayloads.Customer, "Let me check.\n\n— Marie")));

        var messages = await x.MessagesAsync();
        Assert.Equal(3, messages.Count);
        Assert.DoesNotContain(messages, m => m.AuthorName == "Sent outside Parley");
        Assert.Equal(["1001", "900000001", "900000002"], messages.Select(m => m.ChannelMessageId));
        Assert.Equal(2, x.Sent.Count);
    }

    [Fact]
    public async Task A_dm_the_account_sent_from_another_tool_is_recorded_once_and_not_sent_again()
    {
        await using var x = await XChannel.StartAsync();
        await x.PostOkAsync(XPayloads.FromCustomer("1001", "Hello"));
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 1), "the topic list sent");

        var echo = XPayloads.Events(XPayloads.Dm("5005", XChannel.AccountId, XPayloads.Customer, "Answered from the X app"));
        await x.PostOkAsync(echo);
        await x.PostOkAsync(echo);

        // Someone the account wrote to first has no conversation: nothing to record.
        await x.PostOkAsync(XPayloads.Events(XPayloads.Dm("5006", XChannel.AccountId, "777", "Hello stranger")));

        var recorded = Assert.Single(await x.MessagesAsync(), m => m.ChannelMessageId == "5005");
        Assert.Equal((AuthorKind.Advisor, "Sent outside Parley", "Answered from the X app", DeliveryStatus.Sent),
            (recorded.AuthorKind, recorded.AuthorName, recorded.Text, recorded.DeliveryStatus));
        Assert.DoesNotContain(await x.MessagesAsync(), m => m.ChannelMessageId == "5006");
        await Task.Delay(200);
        Assert.Single(x.Sent);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_read_receipt_marks_the_brands_messages_read_up_to_the_one_it_names(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        await x.PostOkAsync(XPayloads.FromCustomer("1001", "Hello"));
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 1), "the topic list sent");
        var conversation = await x.ConversationOfAsync(XPayloads.Customer);
        x.App.Clock.Advance(TimeSpan.FromSeconds(5));
        await PushChannel.AddAsync(x.App, conversation.Id, "First reply");
        x.App.Clock.Advance(TimeSpan.FromSeconds(5));
        await PushChannel.AddAsync(x.App, conversation.Id, "Second reply");
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 3), "the replies sent");
        await PushChannel.UntilSettledAsync(x.App, db => db.Messages.CountAsync(m => m.ChannelMessageId != null && m.AuthorKind != AuthorKind.Customer).ContinueWith(t => t.Result == 3));

        await x.PostOkAsync(XPayloads.Read("900000002"));
        await x.PostOkAsync(XPayloads.Read("123456789"));
        await x.PostOkAsync(XPayloads.Read("1001", reader: XChannel.AccountId));

        var statuses = (await x.MessagesAsync()).Where(m => m.AuthorKind != AuthorKind.Customer).Select(m => (m.Text, m.DeliveryStatus)).ToList();
        Assert.Equal(DeliveryStatus.Read, statuses[0].DeliveryStatus);
        Assert.Equal(("First reply", DeliveryStatus.Read), statuses[1]);
        Assert.Equal(("Second reply", DeliveryStatus.Sent), statuses[2]);
    }
}
