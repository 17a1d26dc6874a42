using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Parley.Console.Replies;
using Parley.Data;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Console;

/// <summary>Favourite replies: who sees and changes which, how their variables are filled, and bodies that do not parse.</summary>
public sealed class FavouriteRepliesTests
{
    private const string Api = "/api/console/favourite-replies";

    [Theory, OnSqlite, OnPostgres]
    public async Task Each_advisor_sees_their_own_their_teams_and_their_accounts_replies_only(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await WithoutDemoRepliesAsync(app);
        var account = await DemoAccountAsync(app);
        var luca = await SessionAsync(app, "luca@parley.local");
        var teamId = await TeamAsync(app, account, "Bank", luca);
        var (otherAccount, _) = await OtherBrandAsync(app);
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        using var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        using var lucaClient = await ConsoleLogin.SignedInAsync(app, "luca@parley.local");
        using var sam = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        using var olga = await ConsoleLogin.SignedInAsync(app, "admin@other.example");

        var personal = await CreatedAsync(marie, new FavouriteReplyInput(ReplyScope.Personal, null, null, "Mine", "mine", "Marie's own words"));
        var team = await CreatedAsync(sam, new FavouriteReplyInput(ReplyScope.Team, null, teamId, "Bank hours", "hours", "The bank opens at 9."));
        var shared = await CreatedAsync(sam, new FavouriteReplyInput(ReplyScope.Account, account, null, "Thanks", "thanks", "Thank you!"));
        var foreign = await CreatedAsync(olga, new FavouriteReplyInput(ReplyScope.Account, otherAccount, null, "Theirs", "theirs", "Other brand"));

        Assert.Equal([personal.Id, shared.Id], await IdsAsync(marie, Api));
        Assert.Equal([team.Id, shared.Id], await IdsAsync(lucaClient, Api));
        Assert.Equal([team.Id, shared.Id], await IdsAsync(lucaClient, $"{Api}?conversationId={conversationId}"));
        Assert.Equal([foreign.Id], await IdsAsync(olga, Api));
        Assert.Equal(HttpStatusCode.NotFound, (await olga.GetAsync($"{Api}?conversationId={conversationId}")).StatusCode);

        // Using: only what the advisor sees, only in a conversation of their accounts.
        Assert.Equal(HttpStatusCode.NotFound, (await lucaClient.GetAsync($"{Api}/{personal.Id}/rendered?conversationId={conversationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marie.GetAsync($"{Api}/{team.Id}/rendered?conversationId={conversationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marie.GetAsync($"{Api}/{foreign.Id}/rendered?conversationId={conversationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await olga.GetAsync($"{Api}/{foreign.Id}/rendered?conversationId={conversationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marie.GetAsync($"{Api}/{personal.Id}/rendered?conversationId={conversationId}")).StatusCode);

        // Changing: a personal reply by its owner, a shared one by a supervisor or admin of its account.
        var edit = new FavouriteReplyEdit("Changed", "changed", "Changed");
        Assert.Equal(HttpStatusCode.NotFound, (await lucaClient.PutAsJsonAsync($"{Api}/{personal.Id}", edit)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sam.DeleteAsync($"{Api}/{personal.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lucaClient.PutAsJsonAsync($"{Api}/{team.Id}", edit)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await marie.DeleteAsync($"{Api}/{shared.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await olga.DeleteAsync($"{Api}/{shared.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await marie.PostAsJsonAsync(Api, new FavouriteReplyInput(ReplyScope.Account, account, null, "Shared", "shared", "For all"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await olga.PostAsJsonAsync(Api, new FavouriteReplyInput(ReplyScope.Team, null, teamId, "Sneaky", "sneaky", "Into their team"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marie.PutAsJsonAsync($"{Api}/{personal.Id}", edit)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sam.PutAsJsonAsync($"{Api}/{team.Id}", edit)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await sam.DeleteAsync($"{Api}/{shared.Id}")).StatusCode);
        Assert.Equal([personal.Id], await IdsAsync(marie, Api));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Variables_are_filled_with_the_conversations_contact_and_the_signed_in_advisor(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await WithoutDemoRepliesAsync(app);
        var (conversationId, customer) = await ConversationAsync(app, "Alice <b>Martin</b>");
        using var _ = customer;
        using var sam = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        var reply = await CreatedAsync(sam, new FavouriteReplyInput(ReplyScope.Personal, null, null, "Hello", "hello",
            "Hello {{ contact.first_name }}, I am {{ advisor.first_name }} ({{ advisor.name }}) of {{ account.name }}. [{{ contact.name }}] [{{ order.number }}]"));

        var rendered = await sam.GetFromJsonAsync<RenderedReply>($"{Api}/{reply.Id}/rendered?conversationId={conversationId}", Json);

        // Unknown variables render empty; the contact's name is inserted as it is (text, never encoded nor interpreted).
        Assert.Equal("Hello Alice, I am Sam (Sam (supervisor)) of La Posta. [Alice <b>Martin</b>] []", rendered!.Text);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_body_that_does_not_parse_is_refused_with_the_parse_error(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await WithoutDemoRepliesAsync(app);
        using var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        var refused = await marie.PostAsJsonAsync(Api, new FavouriteReplyInput(ReplyScope.Personal, null, null, "Broken", "broken", "Hello {{ contact.first_name"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("The body is not a valid template:", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
        Assert.Empty(await IdsAsync(marie, Api));

        var reply = await CreatedAsync(marie, new FavouriteReplyInput(ReplyScope.Personal, null, null, "Fine", "fine", "Hello {{ contact.first_name }}"));
        var broken = await marie.PutAsJsonAsync($"{Api}/{reply.Id}", new FavouriteReplyEdit("Fine", "fine", "{% if contact.first_name %}Hello"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await marie.PostAsJsonAsync(Api, new FavouriteReplyInput(ReplyScope.Personal, null, null, "Spaces", "two words", "Hi"))).StatusCode);
        var kept = await marie.GetFromJsonAsync<List<FavouriteReplyView>>(Api, Json);
        Assert.Equal("Hello {{ contact.first_name }}", Assert.Single(kept!).Body);
    }

    private static async Task<FavouriteReplyView> CreatedAsync(HttpClient client, FavouriteReplyInput input)
    {
        var response = await client.PostAsJsonAsync(Api, input, Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<FavouriteReplyView>(Json))!;
    }

    private static async Task<long[]> IdsAsync(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<List<FavouriteReplyView>>(url, Json))!.Select(r => r.Id).Order().ToArray();

    /// <summary>The demo brand's own favourite replies are left out, so each test counts only what it created.</summary>
    private static async Task WithoutDemoRepliesAsync(ParleyApplication app) => await app.DbAsync(db => db.FavouriteReplies.ExecuteDeleteAsync());
}
