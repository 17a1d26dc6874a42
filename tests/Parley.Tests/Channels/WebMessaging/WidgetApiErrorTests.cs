using Parley.Conversations;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Parley.Channels.WebMessaging;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WebMessaging;

/// <summary>One host for the class: each test is a new customer, and the host must log no error at all.</summary>
public sealed class ErrorTestHost : IAsyncLifetime
{
    public ParleyApplication App { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Assert.True(App.LoggedErrors.IsEmpty, string.Join("\n", App.LoggedErrors));
        await App.DisposeAsync();
    }
}

/// <summary>Every error a caller can cause is a 4xx ProblemDetails, and nothing already accepted is lost.</summary>
public sealed class WidgetApiErrorTests(ErrorTestHost host) : IClassFixture<ErrorTestHost>, IAsyncLifetime
{
    private readonly ParleyApplication _app = host.App;
    private WidgetClient _customer = null!;
    private SendResponse _accepted = null!;

    public async Task InitializeAsync()
    {
        _customer = await _app.GuestAsync();
        await _customer.OpenAsync();
        _accepted = await _customer.SendAsync("my first message", clientMessageId: "first");
    }

    public async Task DisposeAsync()
    {
        // Whatever was thrown at the API, the accepted message is still there, once, and the host logged no error.
        var messages = (await _customer.MessagesAsync()).Messages;
        Assert.Equal("my first message", Assert.Single(messages, m => m.Id == _accepted.Id).Text);
        Assert.Equal(Enumerable.Range(1, messages.Count).Select(i => (long)i), messages.Select(m => m.Seq));
        Assert.True(_app.LoggedErrors.IsEmpty, string.Join("\n", _app.LoggedErrors));
        _customer.Dispose();
    }

    [Theory]
    [InlineData("{\"clientMessageId\": \"x\", \"text\": ")]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"clientMessageId\": 12, \"text\": true}")]
    public async Task Malformed_json_is_a_400(string body)
    {
        var response = await _customer.Http.PostAsync($"{WidgetClient.Base}/messages", new StringContent(body, Encoding.UTF8, "application/json"));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_missing_body_is_a_400()
    {
        var response = await _customer.Http.PostAsync($"{WidgetClient.Base}/messages", new StringContent("", Encoding.UTF8, "application/json"));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        var response = await _customer.Http.PostAsync($"{WidgetClient.Base}/messages", new StringContent("text=hello", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData(null, "hello", "clientMessageId")]
    [InlineData("", "hello", "clientMessageId")]
    [InlineData("id-1", null, "no text")]
    [InlineData("id-2", "   ", "no text")]
    public async Task Missing_fields_are_a_400_that_names_them(string? clientMessageId, string? text, string detail)
    {
        var response = await _customer.Http.PostAsJsonAsync($"{WidgetClient.Base}/messages", new { clientMessageId, text });

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_long_text_or_ids_are_a_400()
    {
        await Expect.ProblemAsync(await _customer.PostMessageAsync(new string('a', WidgetApi.MaxTextLength + 1)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await _customer.PostMessageAsync("hi", clientMessageId: new string('a', 101)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await _customer.PostMessageAsync("hi", replyTo: new string('a', 101)), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Accepted, (await _customer.PostMessageAsync(new string('a', WidgetApi.MaxTextLength))).StatusCode);
    }

    [Fact]
    public async Task A_file_over_10_megabytes_is_a_413()
    {
        var data = new byte[AttachmentRules.MaxBytes + 1];
        AttachmentRulesTests.Png.CopyTo(data, 0);

        var response = await _customer.Http.PostAsync($"{WidgetClient.Base}/attachments", Upload(data, "huge.png", "image/png"));

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_request_far_over_the_attachment_limit_is_a_413()
    {
        var response = await _customer.Http.PostAsync($"{WidgetClient.Base}/attachments", Upload(new byte[12 * 1024 * 1024], "huge.png", "image/png"));

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_file_whose_bytes_are_not_its_declared_type_is_a_415()
    {
        var response = await _customer.Http.PostAsync($"{WidgetClient.Base}/attachments",
            Upload("MZ\x90\x00 an executable"u8.ToArray(), "photo.png", "image/png"));

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Attachment_calls_without_a_file_or_id_or_form_are_a_400()
    {
        await Expect.ProblemAsync(await _customer.Http.PostAsJsonAsync($"{WidgetClient.Base}/attachments", new { }), HttpStatusCode.BadRequest);

        var noFile = new MultipartFormDataContent { { new StringContent("f1"), "clientMessageId" } };
        await Expect.ProblemAsync(await _customer.Http.PostAsync($"{WidgetClient.Base}/attachments", noFile), HttpStatusCode.BadRequest);

        var noId = new MultipartFormDataContent { { new ByteArrayContent(AttachmentRulesTests.Png), "file", "a.png" } };
        await Expect.ProblemAsync(await _customer.Http.PostAsync($"{WidgetClient.Base}/attachments", noId), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("garbage without any boundary")]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n\x89PNG")]
    public async Task A_malformed_multipart_body_is_a_400(string body)
    {
        var content = new StringContent(body, Encoding.Latin1);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        await Expect.ProblemAsync(await _customer.Http.PostAsync($"{WidgetClient.Base}/attachments", content), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_accepted_image_is_served_back_to_its_customer_only()
    {
        var response = await _customer.Http.PostAsync($"{WidgetClient.Base}/attachments", Upload(AttachmentRulesTests.Png, "../label.png", "application/octet-stream"));
        await Expect.StatusAsync(response, HttpStatusCode.Accepted);
        var sent = (await response.Content.ReadFromJsonAsync<SendResponse>())!;
        var message = Assert.Single((await _customer.MessagesAsync(after: sent.Seq - 1)).Messages, m => m.Id == sent.Id);
        Assert.Equal((ContentType.Attachment, "label.png", "image/png", 12L), (message.ContentType, message.Attachment!.FileName, message.Attachment.ContentType, message.Attachment.Size));

        var file = await _customer.Http.GetAsync($"{WidgetClient.Base}/attachments/{message.Attachment.Id}");
        await Expect.StatusAsync(file, HttpStatusCode.OK);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(AttachmentRulesTests.Png, await file.Content.ReadAsByteArrayAsync());

        using var stranger = await _app.GuestAsync();
        await Expect.ProblemAsync(await stranger.Http.GetAsync($"{WidgetClient.Base}/attachments/{message.Attachment.Id}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer ")]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Calls_without_a_valid_token_are_a_401(string? authorization)
    {
        using var client = _app.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        await Expect.ProblemAsync(await client.GetAsync($"{WidgetClient.Base}/messages"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await client.PostAsJsonAsync($"{WidgetClient.Base}/messages", new { clientMessageId = "x", text = "hi" }), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await client.PostAsync($"{WidgetClient.Base}/conversation", null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_tampered_token_is_a_401()
    {
        var token = _customer.Session!.Token;
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^2] + (token[^2] == 'A' ? "BB" : "AA"));

        await Expect.ProblemAsync(await client.GetAsync($"{WidgetClient.Base}/messages"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_from_another_database_is_a_401()
    {
        await using var other = new ParleyApplication();
        using var elsewhere = await other.GuestAsync();
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", elsewhere.Session!.Token);

        await Expect.ProblemAsync(await client.GetAsync($"{WidgetClient.Base}/messages"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-hex")]
    [InlineData(null)]
    public async Task A_signed_in_customer_with_a_bad_identity_hash_is_a_401(string? userHash)
    {
        using var client = _app.CreateClient();

        var response = await client.PostAsJsonAsync($"{WidgetClient.Base}/sessions", new SessionRequest("demo-website", null, "alice", userHash, null, null));

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Identity not verified", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_hash_of_another_user_does_not_sign_in()
    {
        var widget = await _app.DemoWidgetAsync();
        using var client = _app.CreateClient();

        var response = await client.PostAsJsonAsync($"{WidgetClient.Base}/sessions",
            new SessionRequest("demo-website", null, "mallory", IdentityVerification.Sign(widget.IdentitySecret, "alice"), null, null));

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("{\"inbox\": null}", HttpStatusCode.BadRequest)]
    [InlineData("{\"inbox\": \"no-such-inbox\"}", HttpStatusCode.NotFound)]
    [InlineData("{\"inbox\": \"demo-website\", \"guestId\": \"short\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"inbox\": \"demo-website\", \"guestId\": \"0123456789abcdef<script>\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"inbox\": \"demo-website\", \"userId\": \"\", \"userHash\": \"x\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"inbox\": \"demo-website\", \"guestId\": ", HttpStatusCode.BadRequest)]
    public async Task Bad_session_requests_are_4xx(string body, HttpStatusCode status)
    {
        using var client = _app.CreateClient();

        var response = await client.PostAsync($"{WidgetClient.Base}/sessions", new StringContent(body, Encoding.UTF8, "application/json"));

        await Expect.ProblemAsync(response, status);
    }

    [Theory]
    [InlineData("after=-1")]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("waitSeconds=26")]
    [InlineData("after=abc")]
    public async Task Bad_message_queries_are_a_400(string query)
    {
        await Expect.ProblemAsync(await _customer.Http.GetAsync($"{WidgetClient.Base}/messages?{query}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_inbox_and_events_before_a_conversation_are_4xx()
    {
        await Expect.ProblemAsync(await _customer.Http.GetAsync($"{WidgetClient.Base}/inboxes/nope"), HttpStatusCode.NotFound);
        using var newcomer = await _app.GuestAsync();
        await Expect.ProblemAsync(await newcomer.Http.GetAsync($"{WidgetClient.Base}/events"), HttpStatusCode.Conflict);
        await Expect.ProblemAsync(await _customer.Http.PostAsJsonAsync($"{WidgetClient.Base}/read", new { seq = -1 }), HttpStatusCode.BadRequest);
    }

    private static MultipartFormDataContent Upload(byte[] data, string fileName, string contentType)
    {
        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent
        {
            { new StringContent(Guid.NewGuid().ToString()), "clientMessageId" },
            { file, "file", fileName },
        };
    }
}
