using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Data;

/// <summary>
/// Routing's advisor lock never blocks a writer that holds a conversation and references the advisor (its foreign key's
/// key-share lock): with FOR UPDATE the two deadlocked on PostgreSQL (a routing pass against a resolve, under load).
/// </summary>
public sealed class AdvisorLockTests
{
    [Theory, OnPostgres]
    public async Task A_writer_holding_a_conversation_assigns_the_advisor_that_routing_holds(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var dbs = app.Service<IDbContextFactory<ParleyDb>>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        var conversationId = (await (await app.GuestAsync()).OpenAsync()).ConversationId;

        // Routing holds Marie's row, as a routing pass does before it locks the conversation it assigns.
        await using var routing = await dbs.CreateDbContextAsync();
        await using var routingTransaction = await routing.Database.BeginTransactionAsync();
        await EngineStore.LockAdvisorAsync(routing, marie.Id, CancellationToken.None);

        // An action holds the conversation and points it at Marie: its foreign key check must not wait for routing.
        await using var action = await dbs.CreateDbContextAsync();
        await using var actionTransaction = await action.Database.BeginTransactionAsync();
        await action.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '3s'");
        await EngineStore.LockConversationsAsync(action, [conversationId], CancellationToken.None);
        var changed = await action.Conversations.Where(c => c.Id == conversationId)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.AssigneeId, marie.Id));
        await actionTransaction.CommitAsync();

        Assert.Equal(1, changed);
        await routingTransaction.RollbackAsync();
    }
}
