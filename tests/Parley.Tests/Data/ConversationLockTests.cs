using Microsoft.EntityFrameworkCore;
using Npgsql;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Data;

/// <summary>
/// A conversation read to be changed comes with its row lock (PostgreSQL: one <c>SELECT … FOR UPDATE</c>): a second
/// writer waits for the first to commit, then reads what it wrote.
/// </summary>
public sealed class ConversationLockTests
{
    [Theory, OnPostgres]
    public async Task A_conversation_read_to_be_changed_is_held_until_its_writer_commits(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var dbs = app.Service<IDbContextFactory<ParleyDb>>();
        var conversationId = (await (await app.GuestAsync()).OpenAsync()).ConversationId;

        await using var first = await dbs.CreateDbContextAsync();
        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        var held = await EngineStore.LockedExistingConversationAsync(first, conversationId, CancellationToken.None);
        Assert.Equal(conversationId, held.Id);

        // A second writer cannot take it while the first holds it.
        await using (var second = await dbs.CreateDbContextAsync())
        {
            await using var secondTransaction = await second.Database.BeginTransactionAsync();
            await second.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '500ms'");
            // EF's execution strategy wraps what PostgreSQL calls transient (a lock not available is).
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => EngineStore.LockedConversationAsync(second, conversationId, CancellationToken.None));
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, (refused as PostgresException ?? refused.InnerException as PostgresException)?.SqlState);
        }

        // The first writes and commits; the next writer reads what it wrote.
        held.AdvisorReadSeq = 42;
        held.Version++;
        await first.SaveChangesAsync();
        await firstTransaction.CommitAsync();
        await using var third = await dbs.CreateDbContextAsync();
        await using var thirdTransaction = await third.Database.BeginTransactionAsync();
        var next = await EngineStore.LockedExistingConversationAsync(third, conversationId, CancellationToken.None);
        Assert.Equal(42L, next.AdvisorReadSeq);
        Assert.True(next.Version >= held.Version);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversation_that_does_not_exist_is_null_or_an_error_for_a_caller_that_knows_it_exists(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await using var db = await app.Service<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        Assert.Null(await EngineStore.LockedConversationAsync(db, 987_654_321, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => EngineStore.LockedExistingConversationAsync(db, 987_654_321, CancellationToken.None));
    }
}
