using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels.Delivery;
using Parley.Channels.WhatsApp;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Delivery;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Channels.WhatsApp.WhatsAppPayloads;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppDeliveryTests
{
    private const string Anna = "393331234567";

    [Theory, OnSqlite, OnPostgres]
    public async Task The_bots_topics_go_as_a_list_and_the_picked_row_routes_to_its_queue(DatabaseProvider provider)
    {
        await using var host = await WhatsAppTestHost.StartAsync(provider);

        await host.PostOkAsync(CustomerText(Anna, "wamid.in-1", "Hello"));
        await Expect.UntilAsync(() => Task.FromResult(host.Sends().Count == 1), "the topic picker sent");

        var call = host.Sends()[0];
        Assert.Equal("Bearer " + TestConnections.AccessToken, call.Headers["Authorization"]);
        var json = call.Json;
        Assert.Equal(("whatsapp", "individual", Anna, "interactive"),
            (json.GetProperty("messaging_product").GetString(), json.GetProperty("recipient_type").GetString(), json.GetProperty("to").GetString(), json.GetProperty("type").GetString()));
        var interactive = json.GetProperty("interactive");
        Assert.Equal("list", interactive.GetProperty("type").GetString());
        Assert.StartsWith("Hello! I'm the La Posta virtual assistant.", interactive.GetProperty("body").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(WhatsAppRendering.ListButton, interactive.GetProperty("action").GetProperty("button").GetString());
        var rows = interactive.GetProperty("action").GetProperty("sections")[0].GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["parcels", "bank", "mobile"], rows.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("Accounts, cards and payments", rows[1].GetProperty("description").GetString());
        await host.UntilAsync(db => db.Messages.AnyAsync(m => m.ChannelMessageId == "wamid.out-1" && m.DeliveryStatus == DeliveryStatus.Sent), "the picker's wamid stored");

        await host.PostOkAsync(Webhook(Entry(Change(Messages([(Anna, "Anna Rossi")], ListReply(Anna, "wamid.in-2", "bank", "Bank"))))));

        var bank = await host.App.DbAsync(db => db.Queues.Where(q => q.Name == "Bank").Select(q => q.Id).SingleAsync());
        await host.UntilAsync(async db => (await db.Conversations.SingleAsync(c => c.InboxId == host.Connection.InboxId)).QueueId == bank, "the conversation in the Bank queue");
        var picked = (await host.MessagesAsync()).Single(m => m.ChannelMessageId == "wamid.in-2");
        Assert.Equal(("Bank", "bank"), (picked.Text, picked.ReplyTo));
    }

    [Fact]
    public async Task An_advisors_reply_goes_signed_and_whatsapps_statuses_move_it_forward()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        var conversation = await OpenAsync(host);

        await PushChannel.AddAsync(host.App, conversation, "Your parcel left Milan this morning.");
        await host.UntilAsync(db => db.Messages.AnyAsync(m => m.Text == "Your parcel left Milan this morning." && m.DeliveryStatus == DeliveryStatus.Sent), "the reply sent");

        var text = host.Sends()[^1].Json;
        Assert.Equal("text", text.GetProperty("type").GetString());
        Assert.Equal("Your parcel left Milan this morning.\n\n— Marie", text.GetProperty("text").GetProperty("body").GetString());
        Assert.False(text.GetProperty("text").GetProperty("preview_url").GetBoolean());
        var wamid = host.Wamids.Last();

        await host.PostOkAsync(Statuses(Status(wamid, "sent", Anna), Status(wamid, "delivered", Anna)));
        Assert.Equal(DeliveryStatus.Delivered, (await ReplyAsync(host, wamid)).DeliveryStatus);
        await host.PostOkAsync(Statuses(Status(wamid, "read", Anna)));
        Assert.Equal(DeliveryStatus.Read, (await ReplyAsync(host, wamid)).DeliveryStatus);

        await PushChannel.AddAsync(host.App, conversation, "Are you still there?");
        await host.UntilAsync(db => db.Messages.AnyAsync(m => m.Text == "Are you still there?" && m.DeliveryStatus == DeliveryStatus.Sent), "the second reply sent");
        var second = host.Wamids.Last();
        await host.PostOkAsync(Statuses(Status(second, "failed", Anna, StatusError(131047, "Re-engagement message",
            "Message failed to send because more than 24 hours have passed since the customer last replied to this number."))));

        var failed = await ReplyAsync(host, second);
        Assert.Equal((DeliveryStatus.Failed, "131047: Re-engagement message (Message failed to send because more than 24 hours have passed since the customer last replied to this number.)"),
            (failed.DeliveryStatus, failed.FailureReason));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Throttling_answers_are_retried_until_the_message_is_delivered_exactly_once(DatabaseProvider provider)
    {
        await using var host = await WhatsAppTestHost.StartAsync(provider);
        var conversation = await OpenAsync(host);
        var refusals = new Queue<StandInResponse>([
            WhatsAppTestHost.Error(400, 130429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."),
            WhatsAppTestHost.Error(429, 80007, "(#80007) Rate limit issues", null, new Dictionary<string, string> { ["Retry-After"] = "120" }),
        ]);
        host.Answer = r => r.Json.TryGetProperty("text", out var t) && t.GetProperty("body").GetString()!.StartsWith("Tracking", StringComparison.Ordinal)
            && refusals.TryDequeue(out var refusal) ? refusal : null;

        await PushChannel.AddAsync(host.App, conversation, "Tracking: your parcel is in Bologna.");
        await host.UntilAsync(db => db.Deliveries.AnyAsync(d => d.ConversationId == conversation && d.Attempts == 1 && d.Status == DeliveryState.Pending), "the first refusal");
        var paused = await host.App.DbAsync(db => db.Deliveries.Where(d => d.ConversationId == conversation && d.Status == DeliveryState.Pending).SingleAsync());
        Assert.Contains("130429: (#130429) Rate limit hit", paused.LastError, StringComparison.Ordinal);

        await host.UntilAsync(async db =>
        {
            host.App.Clock.Advance(TimeSpan.FromSeconds(30));
            host.App.Service<OutboundSignal>().Ring();
            return await db.Messages.AnyAsync(m => m.ConversationId == conversation && m.Text!.StartsWith("Tracking") && m.DeliveryStatus == DeliveryStatus.Sent);
        }, "the reply sent after the throttling");

        Assert.Equal(3, host.Sends().Count(r => r.Body.Contains("Tracking: your parcel", StringComparison.Ordinal)));
        Assert.Empty(refusals);
        var sent = await host.App.DbAsync(db => db.Messages.SingleAsync(m => m.ConversationId == conversation && m.Text!.StartsWith("Tracking")));
        Assert.Equal(host.Wamids.Last(), sent.ChannelMessageId);
        Assert.Equal(3, await host.App.DbAsync(db => db.Deliveries.Where(d => d.MessageId == sent.Id).Select(d => d.Attempts).SingleAsync()));
    }

    [Fact]
    public async Task A_permanent_error_is_the_messages_failure_reason()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        var conversation = await OpenAsync(host);
        host.Answer = r => r.Body.Contains("unreachable", StringComparison.Ordinal)
            ? WhatsAppTestHost.Error(400, 131026, "Message Undeliverable.", "Unable to deliver message. Reasons can include: the recipient's phone number is not a WhatsApp phone number.")
            : null;

        await PushChannel.AddAsync(host.App, conversation, "unreachable", "next one");
        await host.UntilAsync(db => db.Messages.AnyAsync(m => m.Text == "next one" && m.DeliveryStatus == DeliveryStatus.Sent), "the next message sent");

        var failed = (await host.MessagesAsync()).Single(m => m.Text == "unreachable");
        Assert.Equal((DeliveryStatus.Failed, "131026: Message Undeliverable. (Unable to deliver message. Reasons can include: the recipient's phone number is not a WhatsApp phone number.)"),
            (failed.DeliveryStatus, failed.FailureReason));
        Assert.Single(host.Sends(), r => r.Body.Contains("unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outside_the_24_hour_window_free_text_fails_with_the_reason_and_a_template_goes()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        var conversation = await OpenAsync(host);
        var before = host.Sends().Count;
        host.App.Clock.Advance(TimeSpan.FromHours(25));

        await PushChannel.AddAsync(host.App, conversation, "Sorry for the wait!");
        await host.AddOutboundAsync(conversation, "Hello Anna, your parcel 123 is ready for pickup.",
            new MessagePayload(Template: new TemplateUse("parcel_ready", "en_US", ["Anna", "123"])));
        await host.UntilAsync(db => db.Messages.AnyAsync(m => m.Text!.StartsWith("Hello Anna") && m.DeliveryStatus == DeliveryStatus.Sent), "the template sent");

        var refused = (await host.MessagesAsync()).Single(m => m.Text == "Sorry for the wait!");
        Assert.Equal(DeliveryStatus.Failed, refused.DeliveryStatus);
        Assert.Equal("Outside WhatsApp's 24-hour window (the customer last wrote 2026-11-25 09:00 UTC): send an approved template.", refused.FailureReason);
        var call = Assert.Single(host.Sends().Skip(before));
        var template = call.Json.GetProperty("template");
        Assert.Equal(("template", "parcel_ready", "en_US"),
            (call.Json.GetProperty("type").GetString(), template.GetProperty("name").GetString(), template.GetProperty("language").GetProperty("code").GetString()));
        var body = template.GetProperty("components")[0];
        Assert.Equal("body", body.GetProperty("type").GetString());
        Assert.Equal(["Anna", "123"], body.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_customers_message_is_marked_read_on_the_business_number()
    {
        await using var host = await WhatsAppTestHost.StartAsync();

        var result = await host.App.Service<WhatsAppClient>().MarkReadAsync(host.Connection, "wamid.in-read", CancellationToken.None);

        Assert.Equal(Parley.Channels.SendOutcome.Sent, result.Outcome);
        var call = Assert.Single(host.Sends());
        Assert.Equal("Bearer " + TestConnections.AccessToken, call.Headers["Authorization"]);
        Assert.Equal("""{"messaging_product":"whatsapp","status":"read","message_id":"wamid.in-read"}""", call.Body);
    }

    /// <summary>Anna writes, the bot answers with its picker; returns the conversation once that has gone.</summary>
    private static async Task<long> OpenAsync(WhatsAppTestHost host)
    {
        await host.PostOkAsync(CustomerText(Anna, "wamid.open-1", "Hello"));
        await host.UntilAsync(db => db.Messages.AnyAsync(m => m.InboxId == host.Connection.InboxId && m.AuthorKind == AuthorKind.Bot && m.DeliveryStatus == DeliveryStatus.Sent),
            "the bot's picker sent");
        return (await host.ConversationOfAsync(Anna)).Id;
    }

    private static Task<Message> ReplyAsync(WhatsAppTestHost host, string wamid) =>
        host.App.DbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.InboxId == host.Connection.InboxId && m.ChannelMessageId == wamid));
}
