using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.X;

public sealed class XWebhookTests
{
    [Fact]
    public async Task The_crc_is_answered_with_the_base64_hmac_of_the_token_and_the_consumer_secret()
    {
        await using var x = await XChannel.StartAsync();
        const string token = "9b4507b3-9040-4669-9ca3-6b94edb50553";

        var response = await x.Client.GetAsync($"{XChannel.Path}?crc_token={token}");

        await Expect.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(TestConnections.AppSecret));
        var expected = "sha256=" + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(token)));
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(expected, answer.GetProperty("response_token").GetString());
    }

    [Fact]
    public async Task A_crc_without_a_usable_token_or_without_an_x_connection_is_refused()
    {
        await using var x = await XChannel.StartAsync();
        await Expect.ProblemAsync(await x.Client.GetAsync(XChannel.Path), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await x.Client.GetAsync($"{XChannel.Path}?crc_token={new string('a', 300)}"), HttpStatusCode.BadRequest);

        await using var bare = new ParleyApplication { Demo = false };
        await Expect.ProblemAsync(await bare.CreateClient().GetAsync($"{XChannel.Path}?crc_token=abc"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_post_without_the_signature_of_the_consumer_secret_is_401_and_stores_nothing()
    {
        await using var x = await XChannel.StartAsync();
        var body = XPayloads.FromCustomer("1001", "Hello");

        var unsigned = new StringContent(body, Encoding.UTF8, "application/json");
        await Expect.ProblemAsync(await x.Client.PostAsync(XChannel.Path, unsigned), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await TestConnections.PostSignedAsync(x.Client, XChannel.Path, body, "another-secret", x: true), HttpStatusCode.Unauthorized);

        // Meta's hex signature is not X's.
        await Expect.ProblemAsync(await TestConnections.PostSignedAsync(x.Client, XChannel.Path, body), HttpStatusCode.Unauthorized);

        // Signed, then changed on the way.
        var request = new HttpRequestMessage(HttpMethod.Post, XChannel.Path) { Content = new StringContent(body.Replace("Hello", "Hallo"), Encoding.UTF8, "application/json") };
        request.Headers.Add("x-twitter-webhooks-signature", Parley.Channels.Webhooks.WebhookSignature.Base64(TestConnections.AppSecret, Encoding.UTF8.GetBytes(body)));
        await Expect.ProblemAsync(await x.Client.SendAsync(request), HttpStatusCode.Unauthorized);

        Assert.Empty(await x.MessagesAsync());
        Assert.Equal(0, await x.App.DbAsync(db => db.ContactIdentities.CountAsync(i => i.InboxId == x.Connection.InboxId)));
    }

    [Fact]
    public async Task Events_for_an_account_without_a_connection_are_404()
    {
        await using var x = await XChannel.StartAsync();
        var body = XPayloads.FromCustomer("1001", "Hello").Replace($"\"for_user_id\": \"{XChannel.AccountId}\"", "\"for_user_id\": \"123456\"");

        await Expect.ProblemAsync(await x.PostAsync(body), HttpStatusCode.NotFound);
        Assert.Empty(await x.MessagesAsync());
    }

    [Theory]
    [InlineData("{\"for_user_id\": ")]
    [InlineData("[1, 2]")]
    [InlineData("{\"direct_message_events\": []}")]
    [InlineData("{\"for_user_id\": \"4337869213\", \"direct_message_events\": {}}")]
    [InlineData("{\"for_user_id\": \"4337869213\", \"direct_message_events\": [{\"type\": \"message_create\", \"id\": \"1\"}]}")]
    [InlineData("{\"for_user_id\": \"4337869213\", \"direct_message_events\": [{\"type\": \"message_create\", \"id\": \"x1\", \"message_create\": {\"sender_id\": \"5\", \"target\": {\"recipient_id\": \"4337869213\"}}}]}")]
    [InlineData("{\"for_user_id\": \"4337869213\", \"direct_message_mark_read_events\": [{\"sender_id\": \"5\"}]}")]
    public async Task A_body_that_is_not_an_account_activity_payload_is_400(string body)
    {
        await using var x = await XChannel.StartAsync();

        await Expect.ProblemAsync(await x.PostAsync(body), HttpStatusCode.BadRequest);
        Assert.Empty(await x.MessagesAsync());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_dm_is_stored_once_however_often_x_retries_it_and_a_batch_is_stored_in_order(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        var first = XPayloads.FromCustomer("1001", "Hello");

        await x.PostOkAsync(first);
        await x.PostOkAsync(first);
        await x.PostOkAsync(XPayloads.Events(
            XPayloads.Dm("1002", XPayloads.Customer, XChannel.AccountId, "My parcel"),
            XPayloads.Dm("1001", XPayloads.Customer, XChannel.AccountId, "Hello"),
            XPayloads.Dm("1003", XPayloads.Customer, XChannel.AccountId, "is late")));

        var customer = (await x.MessagesAsync()).Where(m => m.AuthorKind == AuthorKind.Customer).ToList();
        Assert.Equal(["Hello", "My parcel", "is late"], customer.Select(m => m.Text));
        Assert.Equal(["1001", "1002", "1003"], customer.Select(m => m.ChannelMessageId));
        Assert.Single(customer.Select(m => m.ConversationId).Distinct());
    }

    [Fact]
    public async Task The_contact_gets_the_name_and_picture_x_gives_and_media_come_as_links()
    {
        await using var x = await XChannel.StartAsync();
        const string data = """
            {"text": "See https://t.co/abc and the photo https://t.co/pic",
             "entities": {"hashtags": [], "symbols": [], "user_mentions": [],
               "urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.com/tracking/42", "display_url": "example.com/tracking/42", "indices": [4, 20]}]},
             "attachment": {"type": "media", "media": {"id_str": "777", "type": "photo", "url": "https://t.co/pic",
               "media_url_https": "https://ton.twitter.com/1.1/ton/data/dm/1/777/photo.jpg"}}}
            """;

        await x.PostOkAsync(XPayloads.Events(XPayloads.Dm("1001", XPayloads.Customer, XChannel.AccountId, "", data)));

        var contact = await x.App.DbAsync(db => db.ContactIdentities.Where(i => i.InboxId == x.Connection.InboxId && i.ExternalId == XPayloads.Customer)
            .Join(db.Contacts, i => i.ContactId, c => c.Id, (i, c) => c).SingleAsync());
        Assert.Equal(("Jordan Brinks", $"https://pbs.twimg.com/profile_images/{XPayloads.Customer}/normal.jpg"), (contact.Name, contact.AvatarUrl));
        var message = (await x.MessagesAsync()).Single(m => m.AuthorKind == AuthorKind.Customer);
        Assert.Equal((ContentType.Media, "See https://example.com/tracking/42 and the photo"), (message.ContentType, message.Text));
        var media = Assert.Single(MessagePayload.Parse(message.PayloadJson)!.Media!);
        Assert.Equal(new ChannelMedia(MediaKind.Image, "https://ton.twitter.com/1.1/ton/data/dm/1/777/photo.jpg", "777"), media);
    }

    [Fact]
    public async Task Typing_posts_and_other_events_are_answered_200_and_change_nothing()
    {
        await using var x = await XChannel.StartAsync();
        await x.PostOkAsync($$$"""
            {"for_user_id": "{{{XChannel.AccountId}}}", "direct_message_indicate_typing_events": [{"created_timestamp": "1", "sender_id": "{{{XPayloads.Customer}}}", "target": {"recipient_id": "{{{XChannel.AccountId}}}"}}],
             "tweet_create_events": [{"id_str": "1", "text": "not about the account", "user": {"id_str": "42"}, "entities": {"user_mentions": []}}],
             "favorite_events": [], "users": {}}
            """);
        await x.PostOkAsync(XPayloads.Events("""{"type": "welcome_message", "id": "5"}"""));

        Assert.Empty(await x.MessagesAsync());
    }
}
