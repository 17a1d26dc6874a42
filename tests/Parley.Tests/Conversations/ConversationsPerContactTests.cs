using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary>How many conversations a contact has on an inbox is the inbox's policy.</summary>
public sealed class ConversationsPerContactTests
{
    [Theory]
    [InlineData(ConversationStatus.Queued, false, 5L)]
    [InlineData(ConversationStatus.Queued, true, 5L)]
    [InlineData(ConversationStatus.Resolved, true, 9L)]
    [InlineData(ConversationStatus.Resolved, false, null)]
    public void The_current_conversation_is_the_open_one_else_the_latest_where_a_contact_keeps_one(
        ConversationStatus fifth, bool oneEach, long? expected)
    {
        var conversations = new[] { (9L, ConversationStatus.Resolved), (5L, fifth), (2L, ConversationStatus.Resolved) };

        Assert.Equal(expected, ChannelConnectors.Current(conversations, oneEach));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_message_after_a_resolved_case_opens_a_new_conversation_where_the_inbox_says_so_and_reopens_it_on_the_website(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var website = await FirstAndSecondCaseAsync(app, "web");
        Assert.Equal(website.First, website.Second);

        // The same inbox set as a social channel would be: a new conversation, greeted by the bot, the first kept as it was.
        await app.DbAsync(async db =>
        {
            var inbox = await db.Inboxes.OrderBy(i => i.Id).FirstAsync();
            inbox.SettingsJson = InboxSettings.Parse(inbox.SettingsJson) with { OneConversationPerContact = false } is var s ? s.ToJson() : inbox.SettingsJson;
            await db.SaveChangesAsync();
            app.Service<InboxDirectory>().Forget(inbox.Id);
            return 0;
        });
        var social = await FirstAndSecondCaseAsync(app, "social");
        Assert.NotEqual(social.First, social.Second);
        var (first, second) = await app.DbAsync(async db => (
            await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == social.First),
            await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == social.Second)));
        Assert.Equal(first.ContactId, second.ContactId);
        Assert.Equal(ConversationStatus.Resolved, first.Status);
        Assert.Equal(ConversationStatus.WithBot, second.Status);
        Assert.True(await app.DbAsync(db => db.Messages.AnyAsync(m => m.ConversationId == second.Id && m.AuthorKind == AuthorKind.Bot)));
        Assert.Empty(app.LoggedErrors);
    }

    /// <summary>A contact writes, the case is resolved, the contact writes again: the two messages' conversations.</summary>
    private static async Task<(long First, long Second)> FirstAndSecondCaseAsync(ParleyApplication app, string name)
    {
        var engine = app.Service<ConversationEngine>();
        var inbox = await app.DbAsync(db => db.Inboxes.AsNoTracking().OrderBy(i => i.Id).FirstAsync());
        var contactId = await app.Service<Parley.Contacts.ContactDirectory>().FindOrCreateAsync(inbox, $"test:{name}", false, null, CancellationToken.None);
        var first = await engine.AcceptAsync(new InboundMessage(inbox, contactId, $"{name}-1", ContentType.Text, "Hello"), CancellationToken.None);
        await ProcessedAsync(app, first.ConversationId);
        var supervisor = await app.AdvisorAsync("supervisor@parley.local");
        Assert.True((await app.Service<ConversationActions>().ResolveAsync(supervisor, first.ConversationId, CancellationToken.None)).Ok);

        var second = await engine.AcceptAsync(new InboundMessage(inbox, contactId, $"{name}-2", ContentType.Text, "Hello again"), CancellationToken.None);
        await ProcessedAsync(app, second.ConversationId);
        return (first.ConversationId, second.ConversationId);
    }

    private static Task ProcessedAsync(ParleyApplication app, long conversationId) => Expect.UntilAsync(
        () => app.DbAsync(db => db.Messages.AllAsync(m => m.ConversationId != conversationId || m.AuthorKind != AuthorKind.Customer || m.Processed)),
        $"the customer's messages in conversation {conversationId} to be processed");
}
