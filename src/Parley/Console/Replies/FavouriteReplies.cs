using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Parley.Bots.Templates;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console.Replies;

public sealed record FavouriteReplyInput(ReplyScope Scope, long? AccountId, long? TeamId, string Title, string Shortcut, string Body);

public sealed record FavouriteReplyEdit(string Title, string Shortcut, string Body);

public sealed record FavouriteReplyView(long Id, ReplyScope Scope, long? AccountId, long? TeamId, string Title, string Shortcut, string Body, bool CanEdit);

public enum ReplyOutcomeKind
{
    Ok,
    NotFound,
    Forbidden,
    Invalid,
}

public sealed record ReplyOutcome(ReplyOutcomeKind Kind, string? Problem = null, FavouriteReplyView? Reply = null);

/// <summary>
/// Favourite replies: who may use them (the owner's personal ones, their teams' and their accounts' shared ones) and who
/// may change them (a personal one its owner, a shared one the supervisors and admins of its account). Bodies are Liquid,
/// rendered by the bots' fenced renderer (<see cref="FlowTemplates"/>) with the conversation's contact and the advisor.
/// </summary>
public sealed partial class FavouriteReplies(IDbContextFactory<ParleyDb> dbs, FlowTemplates templates, TimeProvider clock)
{
    public const int MaxTitleLength = 100;
    public const int MaxShortcutLength = 32;

    /// <summary>The replies <paramref name="advisor"/> may use, in <paramref name="accountId"/> only when one is given.</summary>
    public static IQueryable<FavouriteReply> Usable(ParleyDb db, AdvisorSession advisor, long? accountId)
    {
        var teams = advisor.TeamIds.ToList();
        var accounts = advisor.AccountIds.Where(a => accountId is null || a == accountId).ToList();
        return db.FavouriteReplies.Where(r =>
            (r.Scope == ReplyScope.Personal && r.OwnerId == advisor.Id)
            || (r.Scope == ReplyScope.Team && r.TeamId != null && teams.Contains(r.TeamId.Value) && accounts.Contains(r.AccountId!.Value))
            || (r.Scope == ReplyScope.Account && accounts.Contains(r.AccountId!.Value)));
    }

    public static bool CanEdit(AdvisorSession advisor, FavouriteReply reply) => reply.Scope == ReplyScope.Personal
        ? reply.OwnerId == advisor.Id
        : reply.AccountId is { } account && advisor.CanSuperviseAccount(account);

    public async Task<IReadOnlyList<FavouriteReplyView>> ListAsync(AdvisorSession advisor, long? accountId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var replies = await Usable(db, advisor, accountId).AsNoTracking().OrderBy(r => r.Shortcut).ThenBy(r => r.Id).ToListAsync(ct);
        return replies.Select(r => View(advisor, r)).ToList();
    }

    public async Task<ReplyOutcome> CreateAsync(AdvisorSession advisor, FavouriteReplyInput input, CancellationToken ct)
    {
        if (Problem(input.Title, input.Shortcut, input.Body) is { } problem)
        {
            return new ReplyOutcome(ReplyOutcomeKind.Invalid, problem);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var reply = new FavouriteReply { Scope = input.Scope, Title = input.Title.Trim(), Shortcut = input.Shortcut, Body = input.Body, CreatedAt = now, UpdatedAt = now };
        switch (input.Scope)
        {
            case ReplyScope.Personal:
                reply.OwnerId = advisor.Id;
                break;
            case ReplyScope.Team:
                var team = input.TeamId is { } teamId ? await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, ct) : null;
                if (team is null || !advisor.CanAccess(team.AccountId))
                {
                    return new ReplyOutcome(ReplyOutcomeKind.NotFound, "No such team in your accounts.");
                }

                (reply.TeamId, reply.AccountId) = (team.Id, team.AccountId);
                break;
            default:
                if (input.AccountId is not { } accountId || !advisor.CanAccess(accountId))
                {
                    return new ReplyOutcome(ReplyOutcomeKind.NotFound, "No such account of yours.");
                }

                reply.AccountId = accountId;
                break;
        }

        if (!CanEdit(advisor, reply))
        {
            return new ReplyOutcome(ReplyOutcomeKind.Forbidden, "Only supervisors and admins of the account share replies with a team or the account.");
        }

        db.FavouriteReplies.Add(reply);
        await db.SaveChangesAsync(ct);
        return new ReplyOutcome(ReplyOutcomeKind.Ok, Reply: View(advisor, reply));
    }

    public Task<ReplyOutcome> EditAsync(AdvisorSession advisor, long id, FavouriteReplyEdit edit, CancellationToken ct) =>
        Problem(edit.Title, edit.Shortcut, edit.Body) is { } problem
            ? Task.FromResult(new ReplyOutcome(ReplyOutcomeKind.Invalid, problem))
            : ChangeAsync(advisor, id, (db, reply) =>
            {
                (reply.Title, reply.Shortcut, reply.Body, reply.UpdatedAt) = (edit.Title.Trim(), edit.Shortcut, edit.Body, clock.GetUtcNow().UtcDateTime);
                return db.SaveChangesAsync(ct);
            }, ct);

    public Task<ReplyOutcome> DeleteAsync(AdvisorSession advisor, long id, CancellationToken ct) =>
        ChangeAsync(advisor, id, (db, reply) =>
        {
            db.FavouriteReplies.Remove(reply);
            return db.SaveChangesAsync(ct);
        }, ct);

    /// <summary>
    /// The reply's text for a conversation: its contact, the signed-in advisor and the conversation's account fill the
    /// variables (an unknown one renders empty). Null when either is not the advisor's to use.
    /// </summary>
    public async Task<string?> RenderAsync(AdvisorSession advisor, long replyId, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId)
            .Select(c => new { c.AccountId, c.ContactId }).FirstOrDefaultAsync(ct);
        if (conversation is null || !advisor.CanAccess(conversation.AccountId))
        {
            return null;
        }

        var body = await Usable(db, advisor, conversation.AccountId).Where(r => r.Id == replyId).Select(r => r.Body).FirstOrDefaultAsync(ct);
        if (body is null)
        {
            return null;
        }

        var contact = await db.Contacts.AsNoTracking().Where(c => c.Id == conversation.ContactId).Select(c => new { c.Name, c.Email }).FirstOrDefaultAsync(ct);
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == conversation.AccountId).Select(a => a.Name).FirstOrDefaultAsync(ct);
        var model = new JsonObject
        {
            ["contact"] = new JsonObject { ["name"] = contact?.Name, ["first_name"] = FirstName(contact?.Name), ["email"] = contact?.Email },
            ["advisor"] = new JsonObject { ["name"] = advisor.DisplayName, ["first_name"] = FirstName(advisor.DisplayName) },
            ["account"] = new JsonObject { ["name"] = account },
        };
        try
        {
            return templates.Render(body, model).Trim();
        }
        catch (TemplateException)
        {
            // Saved bodies parse; a render can still run out of steps or room: the advisor gets the body to edit by hand.
            return body;
        }
    }

    private static string? FirstName(string? name) =>
        name?.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    private async Task<ReplyOutcome> ChangeAsync(AdvisorSession advisor, long id, Func<ParleyDb, FavouriteReply, Task> change, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        // A supervisor manages the team replies of their accounts without being in the team; others see only what they use.
        var reply = await db.FavouriteReplies.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (reply is null || (!CanEdit(advisor, reply) && !await Usable(db, advisor, null).AnyAsync(r => r.Id == id, ct)))
        {
            return new ReplyOutcome(ReplyOutcomeKind.NotFound, "No such favourite reply of yours.");
        }

        if (!CanEdit(advisor, reply))
        {
            return new ReplyOutcome(ReplyOutcomeKind.Forbidden, "Only supervisors and admins of the account change its shared replies.");
        }

        await change(db, reply);
        return new ReplyOutcome(ReplyOutcomeKind.Ok, Reply: View(advisor, reply));
    }

    /// <summary>Why the fields cannot be saved, or null. A body that does not parse as Liquid is refused with the parser's reason.</summary>
    private string? Problem(string? title, string? shortcut, string? body)
    {
        if (ConsoleProblems.NameProblem(title, "A reply's title", MaxTitleLength) is { } titleProblem)
        {
            return titleProblem;
        }

        if (shortcut is null || !Shortcut().IsMatch(shortcut))
        {
            return $"A shortcut has 1 to {MaxShortcutLength} letters, digits, '-' or '_' (typed after '/').";
        }

        if (string.IsNullOrWhiteSpace(body) || body.Length > ConversationActions.MaxReplyLength)
        {
            return $"A reply's body has 1 to {ConversationActions.MaxReplyLength} characters.";
        }

        if (Hosting.InputText.Problem(body, "A reply's body", multiline: true) is { } bodyProblem)
        {
            return bodyProblem;
        }

        try
        {
            // Rendering with nothing known reports exactly the template's own problems: unknown variables render empty.
            templates.Render(body, new JsonObject());
            return null;
        }
        catch (TemplateException e)
        {
            return $"The body is not a valid template: {e.Message}";
        }
    }

    private static FavouriteReplyView View(AdvisorSession advisor, FavouriteReply r) =>
        new(r.Id, r.Scope, r.AccountId, r.TeamId, r.Title, r.Shortcut, r.Body, CanEdit(advisor, r));

    [GeneratedRegex(@"^[\p{L}\p{Nd}_-]{1,32}$")]
    private static partial Regex Shortcut();
}
