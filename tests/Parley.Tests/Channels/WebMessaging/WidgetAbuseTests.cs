using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Channels.WebMessaging;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WebMessaging;

/// <summary>What an anonymous caller can make the server keep: memory, database rows, requests.</summary>
public sealed class WidgetAbuseTests
{
    [Fact]
    public async Task Keys_that_cannot_be_inbox_keys_are_refused_before_any_lookup_and_unknown_keys_are_never_cached()
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient();
        var cache = (MemoryCache)app.Service<IMemoryCache>();
        await client.GetAsync($"{WidgetClient.Base}/inboxes/demo-website"); // the real inbox, cached
        var before = cache.Count;
        app.Hook.Once(sql => sql.Contains("FROM inboxes", StringComparison.Ordinal), () => Task.CompletedTask);

        var huge = new string('k', 60 * 1024);
        var problem = await Expect.ProblemAsync(await client.PostAsJsonAsync($"{WidgetClient.Base}/sessions", new SessionRequest(huge, null, null, null, null, null)), HttpStatusCode.BadRequest);
        Assert.Contains("not an inbox key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Expect.ProblemAsync(await client.GetAsync($"{WidgetClient.Base}/inboxes/{new string('k', 65)}"), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await client.GetAsync($"{WidgetClient.Base}/inboxes/bad%20key"), HttpStatusCode.BadRequest);
        Assert.False(app.Hook.Fired, "a malformed key was looked up");

        for (var i = 0; i < 300; i++)
        {
            var key = Guid.NewGuid().ToString("N");
            await Expect.ProblemAsync(await client.PostAsJsonAsync($"{WidgetClient.Base}/sessions", new SessionRequest(key, null, null, null, null, null)), HttpStatusCode.NotFound);
            await Expect.ProblemAsync(await client.GetAsync($"{WidgetClient.Base}/inboxes/{key}"), HttpStatusCode.NotFound);
        }

        Assert.Equal(before, cache.Count);
    }

    [Fact]
    public void The_shared_memory_cache_is_bounded()
    {
        using var app = new ParleyApplication();
        var options = app.Service<Microsoft.Extensions.Options.IOptions<MemoryCacheOptions>>().Value;

        Assert.NotNull(options.SizeLimit);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Anonymous_sessions_store_nothing_until_the_guest_opens_the_conversation(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var contacts = await app.DbAsync(db => db.Contacts.CountAsync());

        var guests = new List<WidgetClient>();
        for (var i = 0; i < 50; i++)
        {
            guests.Add(await app.GuestAsync());
        }

        // Reading, typing and marking read as a guest who never wrote stores nothing either.
        Assert.Equal("none", (await guests[0].MessagesAsync()).Status);
        await Expect.StatusAsync(await guests[0].Http.PostAsJsonAsync($"{WidgetClient.Base}/typing", new TypingRequest(true)), HttpStatusCode.NoContent);
        await Expect.StatusAsync(await guests[0].Http.PostAsJsonAsync($"{WidgetClient.Base}/read", new ReadRequest(0)), HttpStatusCode.NoContent);
        Assert.Equal(contacts, await app.DbAsync(db => db.Contacts.CountAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.ContactIdentities.CountAsync(i => i.ExternalId.StartsWith("guest:"))));

        await guests[1].OpenAsync();
        await guests[2].SendAsync("Hello, first words without opening");
        Assert.Equal(contacts + 2, await app.DbAsync(db => db.Contacts.CountAsync()));
        Assert.Equal("withBot", (await guests[2].MessagesAsync()).Status);
        guests.ForEach(g => g.Dispose());
    }

    [Fact]
    public async Task Anonymous_endpoints_are_limited_per_client_with_a_problem_and_retry_after()
    {
        await using var app = new ParleyApplication
        {
            Settings =
            {
                ["RateLimits:WidgetSessions:PermitLimit"] = "3",
                ["RateLimits:WidgetSessions:WindowSeconds"] = "60",
                ["RateLimits:WidgetInbox:PermitLimit"] = "2",
            },
        };
        using var client = app.CreateClient();
        var request = new SessionRequest("demo-website", null, null, null, null, null);
        for (var i = 0; i < 3; i++)
        {
            await Expect.StatusAsync(await client.PostAsJsonAsync($"{WidgetClient.Base}/sessions", request), HttpStatusCode.OK);
        }

        var refused = await client.PostAsJsonAsync($"{WidgetClient.Base}/sessions", request);
        await Expect.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        await Expect.ProblemAsync(await client.PostAsJsonAsync($"{WidgetClient.Base}/sessions/refresh", new RefreshRequest("x")), HttpStatusCode.TooManyRequests);

        await Expect.StatusAsync(await client.GetAsync($"{WidgetClient.Base}/inboxes/demo-website"), HttpStatusCode.OK);
        await Expect.StatusAsync(await client.GetAsync($"{WidgetClient.Base}/inboxes/demo-website"), HttpStatusCode.OK);
        await Expect.ProblemAsync(await client.GetAsync($"{WidgetClient.Base}/inboxes/demo-website"), HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Each_widget_session_is_limited_on_its_own()
    {
        await using var app = new ParleyApplication { Settings = { ["RateLimits:WidgetCalls:PermitLimit"] = "5" } };
        using var noisy = await app.GuestAsync();
        using var quiet = await app.GuestAsync();
        for (var i = 0; i < 5; i++)
        {
            await noisy.MessagesAsync();
        }

        var refused = await noisy.Http.GetAsync($"{WidgetClient.Base}/messages");
        await Expect.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal("none", (await quiet.MessagesAsync()).Status);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Control_characters_and_lone_surrogates_are_refused_the_same_on_both_databases(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();
        using var anonymous = app.CreateClient();

        // Raw JSON: a serializer would replace a lone surrogate before it left the client.
        foreach (var body in new[]
        {
            """{"clientMessageId":"c1","text":"nul\u0000inside"}""",
            """{"clientMessageId":"c2","text":"bell\u0007"}""",
            """{"clientMessageId":"c3","text":"lone \ud800 surrogate"}""",
            """{"clientMessageId":"c4","text":"fine","replyTo":"reply\u0000to"}""",
            """{"clientMessageId":"client\u0000id","text":"fine"}""",
        })
        {
            var response = await customer.Http.PostAsync($"{WidgetClient.Base}/messages", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await Expect.ProblemAsync(response, HttpStatusCode.BadRequest);
        }

        await Expect.ProblemAsync(await anonymous.PostAsJsonAsync($"{WidgetClient.Base}/sessions", new SessionRequest("demo\0website", null, null, null, null, null)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await anonymous.GetAsync($"{WidgetClient.Base}/inboxes/demo%01website"), HttpStatusCode.BadRequest);
        var widget = await app.DemoWidgetAsync();
        var user = "eve\0";
        await Expect.ProblemAsync(await anonymous.PostAsJsonAsync($"{WidgetClient.Base}/sessions",
            new SessionRequest("demo-website", null, user, IdentityVerification.Sign(widget.IdentitySecret, user), null, null)), HttpStatusCode.BadRequest);

        // Line breaks and tabs are text; nothing refused was stored, and the conversation goes on.
        await customer.SendAsync("two\nlines\tand a tab");
        Assert.Equal(1, await app.DbAsync(db => db.Messages.CountAsync(m => m.AuthorKind == Parley.Conversations.AuthorKind.Customer)));
        Assert.Contains((await customer.MessagesAsync()).Messages, m => m.Text == "two\nlines\tand a tab");
        Assert.Empty(app.LoggedErrors);
    }
}

/// <summary>A file is what its bytes are: a polyglot is refused, and a real image keeps an image's name.</summary>
public sealed class WidgetUploadTests
{
    [Fact]
    public async Task A_gif_that_is_also_html_is_refused_and_a_gif_named_html_is_stored_and_served_as_a_gif()
    {
        await using var app = new ParleyApplication();
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();
        var gif = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"u8.ToArray();
        var polyglot = gif.Concat("<html><script>alert(document.cookie)</script></html>"u8.ToArray()).ToArray();

        var refused = await customer.Http.PostAsync($"{WidgetClient.Base}/attachments", Upload(polyglot, "poly.html", "image/gif"));
        await Expect.ProblemAsync(refused, HttpStatusCode.UnsupportedMediaType);

        var accepted = await customer.Http.PostAsync($"{WidgetClient.Base}/attachments", Upload(gif, "poly.html", "text/html"));
        await Expect.StatusAsync(accepted, HttpStatusCode.Accepted);
        var message = (await customer.MessagesAsync()).Messages.Single(m => m.Attachment is not null);
        Assert.Equal(("poly.gif", "image/gif"), (message.Attachment!.FileName, message.Attachment.ContentType));
        var download = await customer.Http.GetAsync($"{WidgetClient.Base}/attachments/{message.Attachment.Id}");
        await Expect.StatusAsync(download, HttpStatusCode.OK);
        Assert.Equal("image/gif", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(1, await app.DbAsync(db => db.Attachments.CountAsync()));
    }

    private static MultipartFormDataContent Upload(byte[] data, string fileName, string contentType)
    {
        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { new StringContent(Guid.NewGuid().ToString()), "clientMessageId" }, { file, "file", fileName } };
    }
}
