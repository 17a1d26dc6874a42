using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

public sealed class ConcurrencyTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Concurrent_messages_of_one_customer_get_gapless_unique_seqs_and_are_all_processed(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;

        var sent = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => customer.SendAsync($"message {i}")));

        // The bot answers in between, so the customer's seqs need not be consecutive, but each is its own.
        Assert.Equal(20, sent.Select(s => s.Seq).Distinct().Count());
        Assert.All(sent, s => Assert.False(s.Duplicate));
        await Expect.UntilAsync(
            async () => await app.DbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversationId && !m.Processed)) == 0,
            "every message processed");
        var all = (await customer.MessagesAsync()).Messages;
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(m => m.Seq));
        Assert.Equal(20, all.Count(m => m.AuthorKind == AuthorKind.Customer));
        Assert.Equal(all.Count, await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.LastSeq).FirstAsync()));
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_replying_while_the_customer_writes_loses_nothing(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var actions = app.Service<ConversationActions>();
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        Assert.True((await actions.TakeOverAsync(marie, conversationId, CancellationToken.None)).Ok);

        var customerSide = Task.WhenAll(Enumerable.Range(1, 10).Select(i => customer.SendAsync($"customer {i}")));
        var advisorSide = Task.WhenAll(Enumerable.Range(1, 10).Select(i => actions.ReplyAsync(marie, conversationId, $"advisor {i}", CancellationToken.None)));
        await customerSide;
        Assert.All(await advisorSide, o => Assert.True(o.Ok, o.Error));

        await Expect.UntilAsync(
            async () => await app.DbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversationId && !m.Processed)) == 0,
            "every message processed");
        var all = (await customer.MessagesAsync()).Messages;
        Assert.Equal(10, all.Count(m => m.AuthorKind == AuthorKind.Customer));
        Assert.Equal(10, all.Count(m => m.AuthorKind == AuthorKind.Advisor && m.AuthorName == "Marie"));
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(m => m.Seq));
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Resolving_a_conversation_still_with_the_bot_reopens_it_with_the_bot(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var supervisor = await app.AdvisorAsync("supervisor@parley.local");
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        Assert.True((await app.Service<ConversationActions>().ResolveAsync(supervisor, conversationId, CancellationToken.None)).Ok);

        await customer.SendAsync("hello again");
        var reopened = await customer.WaitForAsync(m => m.Messages.Count >= 3, "the bot's greeting");

        Assert.Equal("withBot", reopened.Status);
        Assert.Equal(ContentType.ListPicker, reopened.Messages[2].ContentType);
        Assert.Equal(reopened.Messages[0].Text, reopened.Messages[2].Text);
    }
}
