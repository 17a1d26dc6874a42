using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Parley.Accounts;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

public sealed class ConsoleAuthorizationTests
{
    [Theory]
    [InlineData("marie@parley.local", "wrong-password")]
    [InlineData("marie@parley.local", "")]
    [InlineData("nobody@parley.local", ParleyApplication.Password)]
    public async Task Login_with_a_wrong_password_or_unknown_email_fails_without_a_cookie(string email, string password)
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await LoginAsync(client, email, password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?error=1", response.Headers.Location?.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_login_posted_from_another_site_without_the_forms_token_is_refused()
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "marie@parley.local",
            ["password"] = ParleyApplication.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("parley.console=", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("", "/console")]
    [InlineData("/console/conversations/3", "/console/conversations/3")]
    [InlineData("//evil.example/phish", "/console")]
    [InlineData("https://evil.example/", "/console")]
    public async Task Login_with_the_right_password_signs_in_and_only_redirects_locally(string returnUrl, string expected)
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await LoginAsync(client, "  MARIE@parley.local ", ParleyApplication.Password, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("parley.console=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Logout_needs_a_signed_in_advisor()
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.PostAsync("/account/logout", null);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_of_another_account_cannot_touch_the_conversation(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        var outsider = await OutsiderAsync(app);
        var actions = app.Service<ConversationActions>();
        var none = CancellationToken.None;

        var outcomes = new[]
        {
            await actions.ReplyAsync(outsider, conversationId, "I should not be here", none),
            await actions.TakeOverAsync(outsider, conversationId, none),
            await actions.ResolveAsync(outsider, conversationId, none),
            await actions.AdvisorReadAsync(outsider, conversationId, 1, none),
            await actions.AdvisorTypingAsync(outsider, conversationId, true, none),
        };

        Assert.All(outcomes, o => Assert.Equal((false, "Conversation not found."), (o.Ok, o.Error)));
        var conversation = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId));
        Assert.Equal((ConversationStatus.WithBot, (long?)null, 1L), (conversation.Status, conversation.AssigneeId, conversation.LastSeq));
        Assert.Single((await customer.MessagesAsync()).Messages);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Only_the_assignee_or_a_supervisor_acts_on_an_assigned_conversation(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var actions = app.Service<ConversationActions>();
        var none = CancellationToken.None;
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var supervisor = await app.AdvisorAsync("supervisor@parley.local");
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        Assert.True((await actions.TakeOverAsync(marie, conversationId, none)).Ok);

        Assert.False((await actions.ReplyAsync(luca, conversationId, "mine now", none)).Ok);
        Assert.False((await actions.TakeOverAsync(luca, conversationId, none)).Ok);
        Assert.False((await actions.ResolveAsync(luca, conversationId, none)).Ok);
        Assert.Equal(marie.Id, await AssigneeAsync(app, conversationId));

        Assert.True((await actions.TakeOverAsync(supervisor, conversationId, none)).Ok);
        Assert.Equal(supervisor.Id, await AssigneeAsync(app, conversationId));
        Assert.Equal("Sam (supervisor) joined the conversation.", (await customer.MessagesAsync()).Messages[^1].Text);
        Assert.True((await actions.ResolveAsync(supervisor, conversationId, none)).Ok);
        Assert.Equal("resolved", (await customer.MessagesAsync()).Status);
    }

    [Fact]
    public async Task A_reply_must_have_text_within_the_limit()
    {
        await using var app = new ParleyApplication();
        var marie = await app.AdvisorAsync("marie@parley.local");
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        var actions = app.Service<ConversationActions>();

        Assert.False((await actions.ReplyAsync(marie, conversationId, "   ", CancellationToken.None)).Ok);
        Assert.False((await actions.ReplyAsync(marie, conversationId, new string('a', ConversationActions.MaxReplyLength + 1), CancellationToken.None)).Ok);
        Assert.Single((await customer.MessagesAsync()).Messages);
        Assert.Null(await AssigneeAsync(app, conversationId));
    }

    private static Task<long?> AssigneeAsync(ParleyApplication app, long conversationId) =>
        app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.AssigneeId).FirstAsync());

    /// <summary>An advisor who works for another brand only.</summary>
    private static Task<AdvisorSession> OutsiderAsync(ParleyApplication app) => app.DbAsync(async db =>
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var account = new Account { Name = "Other brand", CreatedAt = now };
        db.Accounts.Add(account);
        var advisor = new Advisor
        {
            Email = "outsider@other.example",
            DisplayName = "Outsider",
            PasswordHash = "x",
            Role = AdvisorRole.Admin,
            PresenceChangedAt = now,
            CreatedAt = now,
        };
        db.Advisors.Add(advisor);
        await db.SaveChangesAsync();
        db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = advisor.Id, AccountId = account.Id });
        await db.SaveChangesAsync();
        return new AdvisorSession(advisor.Id, advisor.DisplayName, advisor.Role, new HashSet<long> { account.Id });
    });

    /// <summary>Signs in as the login page's form does: its antiforgery token (and cookie) included.</summary>
    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password, string returnUrl = "") =>
        ConsoleLogin.LoginAsync(client, email, password, returnUrl);
}
