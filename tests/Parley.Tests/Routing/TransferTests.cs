using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Accounts;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>Manual transfer with a note to an advisor or a queue, and the refusals, through the console's JSON API.</summary>
public sealed class TransferTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_transfers_their_conversation_to_a_colleague_with_a_note_shown_in_the_header(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var id = await QueueOneAsync(app);
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, id, CancellationToken.None)).Ok);
        using var asMarie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        var response = await asMarie.PostAsJsonAsync($"/api/console/conversations/{id}/transfer", new TransferRequest(luca.Id, null, "Knows the Turin depot."));

        await Expect.StatusAsync(response, HttpStatusCode.OK);
        var conversation = await ConversationAsync(app, id);
        Assert.Equal((ConversationStatus.Assigned, luca.Id), (conversation.Status, conversation.AssigneeId));
        var text = await app.DbAsync(db => AssignmentReasonText.ReadAsync(db, luca, id, CancellationToken.None));
        Assert.Equal("Transferred by Marie. Note: Knows the Turin depot.", text);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_transfer_to_a_queue_keeps_its_note_for_whoever_routing_gives_it_to(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var supervisor = await app.AdvisorAsync("supervisor@parley.local");
        var marie = await app.AdvisorAsync("marie@parley.local");
        var sofia = await app.AdvisorAsync("sofia@parley.local");
        var id = await QueueOneAsync(app);
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, id, CancellationToken.None)).Ok);
        var bank = await app.DbAsync(db => db.Queues.Where(q => q.Name == "Bank").Select(q => q.Id).FirstAsync());

        // A supervisor moves Marie's conversation to the Bank queue, which Sofia serves.
        var moved = await app.Service<ConversationActions>().TransferAsync(supervisor, id, new TransferRequest(null, bank, "About a card, not a parcel."), CancellationToken.None);
        Assert.True(moved.Ok, moved.Detail);
        Assert.Equal((ConversationStatus.Queued, bank), ((await ConversationAsync(app, id)).Status, (await ConversationAsync(app, id)).QueueId));
        await SetPresenceAsync(app, sofia, Presence.Online);

        var conversation = await AssignedAsync(app, id);
        Assert.Equal(sofia.Id, conversation.AssigneeId);
        var reason = AssignmentReason.Parse(conversation.AssignmentReason)!;
        Assert.Equal((AssignmentRule.Skills, "About a card, not a parcel.", supervisor.Id), (reason.Rule, reason.Note, reason.ByAdvisorId));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Transfers_are_refused_outside_the_callers_rights_and_the_conversations_account(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var id = await QueueOneAsync(app);
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, id, CancellationToken.None)).Ok);
        var (outsider, otherQueue) = await OtherAccountAsync(app);
        using var asMarie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        using var asLuca = await ConsoleLogin.SignedInAsync(app, "luca@parley.local");

        // To an advisor or a queue of another account: 400, nothing changes.
        await Expect.ProblemAsync(await asMarie.PostAsJsonAsync($"/api/console/conversations/{id}/transfer", new TransferRequest(outsider, null, null)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await asMarie.PostAsJsonAsync($"/api/console/conversations/{id}/transfer", new TransferRequest(null, otherQueue, null)), HttpStatusCode.BadRequest);
        // Both targets, or none: 400.
        await Expect.ProblemAsync(await asMarie.PostAsJsonAsync($"/api/console/conversations/{id}/transfer", new TransferRequest(marie.Id, otherQueue, null)), HttpStatusCode.BadRequest);
        // Luca, an advisor, cannot move Marie's conversation: 403.
        await Expect.ProblemAsync(await asLuca.PostAsJsonAsync($"/api/console/conversations/{id}/transfer", new TransferRequest((await app.AdvisorAsync("luca@parley.local")).Id, null, null)), HttpStatusCode.Forbidden);
        // A conversation of an account that is not theirs does not exist for them: 404.
        var foreign = await ForeignConversationAsync(app, id);
        await Expect.ProblemAsync(await asMarie.PostAsJsonAsync($"/api/console/conversations/{foreign}/transfer", new TransferRequest(marie.Id, null, null)), HttpStatusCode.NotFound);
        // Not signed in: 401.
        await Expect.ProblemAsync(await app.CreateClient().PostAsJsonAsync($"/api/console/conversations/{id}/transfer", new TransferRequest(marie.Id, null, null)), HttpStatusCode.Unauthorized);

        var conversation = await ConversationAsync(app, id);
        Assert.Equal((ConversationStatus.Assigned, marie.Id), (conversation.Status, conversation.AssigneeId));
    }

    /// <summary>A second account with an advisor and a queue of its own.</summary>
    internal static Task<(long AdvisorId, long QueueId)> OtherAccountAsync(ParleyApplication app) => app.DbAsync(async db =>
    {
        var account = new Account { Name = "Other brand", CreatedAt = DateTime.UtcNow };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        var advisor = new Advisor { Email = "outsider@other.local", DisplayName = "Outsider", PasswordHash = "x", CreatedAt = DateTime.UtcNow, PresenceChangedAt = DateTime.UtcNow };
        var queue = new Queue { AccountId = account.Id, Name = "Other" };
        db.Advisors.Add(advisor);
        db.Queues.Add(queue);
        await db.SaveChangesAsync();
        db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = advisor.Id, AccountId = account.Id });
        await db.SaveChangesAsync();
        return (advisor.Id, queue.Id);
    });

    /// <summary>A copy of the conversation moved to the other account (the latest one created).</summary>
    private static Task<long> ForeignConversationAsync(ParleyApplication app, long id) => app.DbAsync(async db =>
    {
        var account = await db.Accounts.OrderByDescending(a => a.Id).Select(a => a.Id).FirstAsync();
        var source = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == id);
        var copy = new Conversation
        {
            AccountId = account,
            InboxId = source.InboxId,
            ContactId = source.ContactId,
            Channel = source.Channel,
            Status = ConversationStatus.Resolved,
            CreatedAt = source.CreatedAt,
            UpdatedAt = source.UpdatedAt,
        };
        db.Conversations.Add(copy);
        await db.SaveChangesAsync();
        return copy.Id;
    });
}
