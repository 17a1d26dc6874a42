using Microsoft.EntityFrameworkCore;
using Parley.Bots;
using Parley.Bots.Public;
using Parley.Channels;
using Parley.Console;
using Parley.Console.Notes;
using Parley.Console.Replies;
using Parley.Contacts;
using Parley.Contacts.Crm;
using Parley.Conversations;
using Parley.Data;
using Parley.Routing;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>
/// The Blazor console's server-side actions, called as the console calls them, with the session of another brand's
/// admin and advisor, on the brand's objects by id: each is refused and nothing of the brand changes.
/// </summary>
public sealed class RoleScopeMatrixActionsTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Another_brands_people_get_nothing_from_the_consoles_actions_on_this_brands_objects(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var w = await MatrixWorld.CreateAsync(app);
        var before = await StateAsync(app, w.ConversationId);
        var messageId = await app.DbAsync(db => db.Messages.Where(m => m.ConversationId == w.ConversationId).Select(m => m.Id).FirstAsync());
        var none = CancellationToken.None;

        foreach (var caller in new[] { Caller.OtherAdvisor, Caller.OtherAdmin })
        {
            var s = await w.SessionAsync(caller);
            var conversation = app.Service<ConversationActions>();
            var refused = new (string Action, bool Refused)[]
            {
                ("reply", !(await conversation.ReplyAsync(s, w.ConversationId, "not mine", none)).Ok),
                ("template", !(await conversation.SendTemplateAsync(s, w.ConversationId, new TemplateUse("hello", "en", []), "hello", none)).Ok),
                ("take over", !(await conversation.TakeOverAsync(s, w.ConversationId, none)).Ok),
                ("transfer", (await conversation.TransferAsync(s, w.ConversationId, new TransferRequest(null, w.QueueId, "x"), none)).Result != TransferResult.Done),
                ("resolve", !(await conversation.ResolveAsync(s, w.ConversationId, none)).Ok),
                ("read", !(await conversation.AdvisorReadAsync(s, w.ConversationId, 1, none)).Ok),
                ("typing", !(await conversation.AdvisorTypingAsync(s, w.ConversationId, true, none)).Ok),
                ("header", await app.Service<ConsoleQueries>().HeaderAsync(s, w.ConversationId, none) is null),
                ("messages", (await app.Service<ConsoleQueries>().MessagesAsync(s, w.ConversationId, 0, none)).Count == 0),
                ("list", (await app.Service<ConsoleQueries>().ListAsync(s, new ConversationFilter { Status = StatusFilter.All }, none)).All(r => r.Id != w.ConversationId)),
                ("tag", await app.Service<ConversationTags>().AddAsync(s, w.ConversationId, "stolen", none) == TagOutcome.NotFound),
                ("untag", await app.Service<ConversationTags>().RemoveAsync(s, w.ConversationId, "matrix", none) == TagOutcome.NotFound),
                ("tags", (await app.Service<ConversationTags>().OfAsync(s, w.ConversationId, none)).Count == 0),
                ("snooze", await app.Service<ConversationSnoozing>().SnoozeAsync(s, w.ConversationId, null, none) == SnoozeOutcome.NotFound),
                ("unsnooze", await app.Service<ConversationSnoozing>().UnsnoozeAsync(s, w.ConversationId, none) == SnoozeOutcome.NotFound),
                ("note", (await app.Service<ConversationNotes>().AddAsync(s, w.ConversationId, "a note", none)).NotFound),
                ("notes", await app.Service<ConversationNotes>().ListAsync(s, w.ConversationId, none) is null),
                ("mentionable", (await app.Service<ConversationNotes>().MentionableAsync(s, w.ConversationId, none)).Count == 0),
                ("mention read", await app.Service<ConversationNotes>().MarkReadAsync(s, w.MentionId, null, none) == 0),
                ("render reply", await app.Service<FavouriteReplies>().RenderAsync(s, w.ReplyId, w.ConversationId, none) is null),
                ("edit reply", (await app.Service<FavouriteReplies>().EditAsync(s, w.ReplyId, new FavouriteReplyEdit("t", "stolen", "b"), none)).Kind != ReplyOutcomeKind.Ok),
                ("delete reply", (await app.Service<FavouriteReplies>().DeleteAsync(s, w.ReplyId, none)).Kind != ReplyOutcomeKind.Ok),
                ("replies", (await app.Service<FavouriteReplies>().ListAsync(s, w.AccountId, none)).Count == 0),
                ("view", await app.Service<SavedViews>().GetAsync(s, w.ViewId, none) is null),
                ("delete view", (await app.Service<SavedViews>().DeleteAsync(s, w.ViewId, none)).View is null),
                ("contact", await app.Service<ContactQueries>().CardAsync(s, w.ContactId, none) is null),
                ("contact history", (await app.Service<ContactQueries>().ConversationsAsync(s, w.ContactId, none)).Count == 0),
                ("contact search", (await app.Service<ContactQueries>().SearchAsync(s, MatrixWorld.Marker, none)).Count == 0),
                ("link", await app.Service<ContactActions>().LinkAsync(s, w.ContactId, await w.NewContactPairAsync(), none) == MergeOutcome.NotFound),
                ("revoke", await app.Service<ContactActions>().RevokeSessionsAsync(s, w.ContactId, none) != RevokeOutcome.Revoked),
                ("crm", await app.Service<CrmLookup>().LookupAsync(s, w.ContactId, none) is null),
                ("hide", !(await app.Service<PublicModeration>().ModerateAsync(s, w.ConversationId, messageId, PublicAction.Hide, none)).Ok),
                ("private reply", !(await app.Service<PublicModeration>().ReplyInPrivateAsync(s, w.ConversationId, messageId, "hi", none)).Ok),
                ("hand back steps", (await app.Service<FlowHandBack>().StepsAsync(s, w.ConversationId, none)).Count == 0),
                ("hand back", !(await app.Service<FlowHandBack>().HandBackAsync(s, w.ConversationId, "start", none)).Ok),
                ("flow", (await app.Service<FlowManagement>().GetAsync(s, w.FlowId, none)).Outcome != ManagementOutcome.Done),
                ("draft", (await app.Service<FlowManagement>().SaveDraftAsync(s, w.FlowId, w.FlowDraft, none)).Outcome != ManagementOutcome.Done),
                ("publish", (await app.Service<FlowManagement>().PublishAsync(s, w.FlowId, "stolen", none)).Outcome != ManagementOutcome.Done),
                ("rollback", (await app.Service<FlowManagement>().RollbackAsync(s, w.FlowId, 1, none)).Outcome != ManagementOutcome.Done),
                ("preview", (await app.Service<FlowPreview>().RunAsync(s, w.FlowId, new PreviewInput(null, "hello"), none)).Outcome != ManagementOutcome.Done),
                ("public bot", (await app.Service<PublicBotManagement>().GetAsync(s, w.ConnectionId, none)).Outcome != ManagementOutcome.Done),
                ("crisis", (await app.Service<PublicBotManagement>().FlagCrisisAsync(s, w.PostId, true, none)).Outcome != ManagementOutcome.Done),
                ("crisis of conversation", await app.Service<PublicBotManagement>().CrisisOfConversationAsync(s, w.ConversationId, none) is null),
                ("connection", await app.Service<ConnectionManagement>().FindAsync(s, w.ConnectionId, none) is null),
            };

            Assert.True(refused.All(r => r.Refused), $"{caller} was not refused: " + string.Join(", ", refused.Where(r => !r.Refused).Select(r => r.Action)));
        }

        Assert.Equal(before, await StateAsync(app, w.ConversationId));
        Assert.False(await app.DbAsync(db => db.SocialPosts.AnyAsync(p => p.Id == w.PostId && p.CrisisSince != null)));
        Assert.True(await app.DbAsync(db => db.FavouriteReplies.AnyAsync(r => r.Id == w.ReplyId && r.Shortcut != "stolen")));
    }

    /// <summary>What an outsider's action would change: status, assignee, messages, tags, notes.</summary>
    private static Task<string> StateAsync(ParleyApplication app, long conversationId) => app.DbAsync(async db =>
    {
        var c = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId);
        var notes = await db.ConversationNotes.CountAsync(n => n.ConversationId == conversationId);
        var tags = await db.ConversationTags.CountAsync(t => t.ConversationId == conversationId);
        return $"{c.Status} {c.AssigneeId} {c.LastSeq} {c.SnoozedUntil} notes={notes} tags={tags}";
    });
}
