namespace Parley.Tests.Identity;

/// <summary>
/// One console endpoint and what each caller gets from it. <c>Expected</c> lists, in the order of <see cref="Columns"/>,
/// the brand's advisor, supervisor, channel manager and admin, then another brand's advisor and admin:
/// <c>2</c> a 2xx, <c>3</c> 403, <c>4</c> 404, <c>X</c> 403 or 404 (refused either way), <c>L</c> a 2xx that names none of the
/// brand's objects (a list of the caller's own accounts). Anonymous callers always get 401.
/// </summary>
public sealed record MatrixRow(string Method, string Route, string Expected, Func<MatrixWorld, Task<string>> Path, Func<MatrixWorld, object?> Body)
{
    public static readonly Caller[] Columns = [Caller.Advisor, Caller.Supervisor, Caller.ChannelManager, Caller.Admin, Caller.OtherAdvisor, Caller.OtherAdmin];

    /// <summary>The expected answer per caller: the table's row read out, plus 401 for the anonymous caller.</summary>
    public IEnumerable<(Caller Caller, char Expected)> PerCaller() =>
        Expected.Where(c => c is not (' ' or '|')).Zip(Columns, (e, c) => (c, e)).Prepend((Caller.Anonymous, 'A'));

    public override string ToString() => $"{Method} {Route}";
}

public static class RoleScopeMatrix
{
    private static MatrixRow R(string method, string route, string expected, Func<MatrixWorld, string> path, Func<MatrixWorld, object?>? body = null) =>
        new(method, route, expected, w => Task.FromResult(path(w)), body ?? (_ => null));

    private static MatrixRow R(string method, string route, string expected, Func<MatrixWorld, Task<string>> path, Func<MatrixWorld, object?>? body = null) =>
        new(method, route, expected, path, body ?? (_ => null));

    private const string Api = "/api/console";

    // Everything the brand's advisors may do on the brand's objects, and what another brand's people get on them.
    //                                                                                  adv sup mgr adm | oAdv oAdm
    public static readonly MatrixRow[] Rows =
    [
        // Teams: read by everyone of the account, changed by its admins.
        R("GET", Api + "/teams", "2 2 2 2 | L L", _ => Api + "/teams"),
        R("POST", Api + "/teams", "3 3 3 2 | 3 3", _ => Api + "/teams", w => new { accountId = w.AccountId, name = w.Fresh("team") }),
        R("PUT", Api + "/teams/{id:long}", "3 3 3 2 | X X", w => $"{Api}/teams/{w.TeamId}", w => new { name = MatrixWorld.Marker + " team" }),
        R("DELETE", Api + "/teams/{id:long}", "3 3 3 2 | X X", async w => $"{Api}/teams/{await w.NewTeamAsync()}"),
        R("PUT", Api + "/teams/{id:long}/members/{advisorId:long}", "3 3 3 2 | X X", w => $"{Api}/teams/{w.TeamId}/members/{w.LucaId}"),
        R("DELETE", Api + "/teams/{id:long}/members/{advisorId:long}", "3 3 3 2 | X X", w => $"{Api}/teams/{w.TeamId}/members/{w.LucaId}"),

        // Advisors and queues (admins, in their accounts): each change acts on a fresh advisor or queue of the brand.
        R("GET", Api + "/advisors", "3 3 3 2 | 3 L", _ => Api + "/advisors"),
        R("POST", Api + "/advisors", "3 3 3 2 | 3 X", _ => Api + "/advisors",
            w => new { email = $"new{w.Next()}@matrix.example", displayName = w.Fresh("advisor"), role = "advisor", accountIds = new[] { w.AccountId }, password = "a long matrix password" }),
        R("PUT", Api + "/advisors/{id:long}", "3 3 3 2 | 3 X", async w => $"{Api}/advisors/{await w.NewAdvisorAsync()}",
            w => new { displayName = w.Fresh("advisor"), role = "supervisor", accountIds = new[] { w.AccountId }, queueIds = new[] { w.QueueId }, disabled = false }),
        R("PUT", Api + "/advisors/{id:long}/password", "3 3 3 2 | 3 X", async w => $"{Api}/advisors/{await w.NewAdvisorAsync()}/password", _ => new { password = "another long password" }),
        R("GET", Api + "/queues", "3 3 3 2 | 3 L", _ => Api + "/queues"),
        R("POST", Api + "/queues", "3 3 3 2 | 3 X", _ => Api + "/queues", w => new { accountId = w.AccountId, name = w.Fresh("queue") }),
        R("PUT", Api + "/queues/{id:long}", "3 3 3 2 | 3 X", async w => $"{Api}/queues/{await w.NewQueueAsync()}", w => new { name = w.Fresh("queue") }),
        R("DELETE", Api + "/queues/{id:long}", "3 3 3 2 | 3 X", async w => $"{Api}/queues/{await w.NewQueueAsync()}"),

        // Contacts and the CRM.
        R("GET", Api + "/contacts/{id:long}/crm", "2 2 2 2 | X X", w => $"{Api}/contacts/{w.ContactId}/crm"),
        R("GET", Api + "/accounts/{id:long}/crm", "3 3 3 2 | X X", w => $"{Api}/accounts/{w.AccountId}/crm"),
        R("PUT", Api + "/accounts/{id:long}/crm", "3 3 3 2 | X X", w => $"{Api}/accounts/{w.AccountId}/crm", _ => new { url = "/demo/crm/lookup", timeoutMs = 1500 }),
        R("DELETE", Api + "/accounts/{id:long}/crm", "3 3 3 2 | X X", w => $"{Api}/accounts/{w.AccountId}/crm"),
        R("GET", Api + "/contacts", "2 2 2 2 | L L", _ => $"{Api}/contacts?q={MatrixWorld.Marker}"),
        R("GET", Api + "/contacts/{id:long}/conversations", "2 2 2 2 | X X", w => $"{Api}/contacts/{w.ContactId}/conversations"),
        // The customer's profile: every advisor of the brand keeps it; a note goes with its author or a supervisor.
        R("GET", Api + "/contacts/{id:long}/profile", "2 2 2 2 | X X", w => $"{Api}/contacts/{w.ContactId}/profile"),
        R("PUT", Api + "/contacts/{id:long}/attributes/{name}", "2 2 2 2 | X X", w => $"{Api}/contacts/{w.ContactId}/attributes/plan", _ => new { value = MatrixWorld.Marker }),
        R("DELETE", Api + "/contacts/{id:long}/attributes/{name}", "2 2 2 2 | X X", w => $"{Api}/contacts/{w.ContactId}/attributes/plan"),
        R("POST", Api + "/contacts/{id:long}/tags", "2 2 2 2 | X X", w => $"{Api}/contacts/{w.ContactId}/tags", _ => new { tag = "matrix" }),
        R("DELETE", Api + "/contacts/{id:long}/tags/{tag}", "2 2 2 2 | X X", w => $"{Api}/contacts/{w.ContactId}/tags/matrix"),
        R("POST", Api + "/contacts/{id:long}/notes", "2 2 2 2 | X X", w => $"{Api}/contacts/{w.ContactId}/notes", _ => new { text = MatrixWorld.Marker }),
        R("DELETE", Api + "/contacts/{id:long}/notes/{noteId:long}", "3 2 3 2 | X X", async w => $"{Api}/contacts/{w.ContactId}/notes/{await w.NewContactNoteAsync()}"),
        R("POST", Api + "/contacts/{id:long}/link", "2 2 2 2 | X X", async w => $"{Api}/contacts/{await w.NewContactPairAsync()}/link",
            w => new { contactId = w.PartnerId }),
        R("POST", Api + "/contacts/{id:long}/revoke-sessions", "3 2 3 2 | X X", w => $"{Api}/contacts/{w.ContactId}/revoke-sessions"),

        // The widget's signing keys sign every brand's sessions: only an admin of every account manages them, and with two
        // brands neither brand's admin is one (a one-brand workspace's admin does: WidgetSessionLifecycleTests).
        R("GET", Api + "/widget-keys", "3 3 3 3 | 3 3", _ => Api + "/widget-keys"),
        R("POST", Api + "/widget-keys", "3 3 3 3 | 3 3", _ => Api + "/widget-keys"),
        R("DELETE", Api + "/widget-keys/{id:int}", "3 3 3 3 | 3 3", async w => $"{Api}/widget-keys/{await w.OlderWidgetKeyAsync()}"),

        // Connections (admins) and their public messages' bot (channel managers and admins).
        R("GET", Api + "/connections", "3 3 3 2 | 3 L", _ => Api + "/connections"),
        R("POST", Api + "/connections", "3 3 3 2 | 3 3", _ => Api + "/connections", w => Connection(w.AccountId, w.Fresh("page"), $"100200300{w.Next():D6}")),
        R("PUT", Api + "/connections/{id:long}", "3 3 3 2 | 3 X", w => $"{Api}/connections/{w.ConnectionId}", w => Connection(w.AccountId, MatrixWorld.Marker + " page", "100200300400111")),
        R("POST", Api + "/connections/{id:long}/check", "3 3 3 2 | 3 X", w => $"{Api}/connections/{w.ConnectionId}/check"),
        R("GET", Api + "/connections/{id:long}/public-bot", "3 3 2 2 | X X", w => $"{Api}/connections/{w.ConnectionId}/public-bot"),
        R("PUT", Api + "/connections/{id:long}/public-bot", "3 3 2 2 | X X", w => $"{Api}/connections/{w.ConnectionId}/public-bot", _ => new { mode = "Off" }),
        R("PUT", Api + "/posts/{id:long}/crisis", "3 3 2 2 | X X", w => $"{Api}/posts/{w.PostId}/crisis", _ => new { crisis = true }),

        // Bots: secrets and external endpoints (channel managers and admins), API tokens (admins), flows.
        R("GET", Api + "/bot-secrets", "3 3 2 2 | 3 L", _ => Api + "/bot-secrets"),
        R("PUT", Api + "/bot-secrets/{accountId:long}/{name}", "3 3 2 2 | 3 3", w => $"{Api}/bot-secrets/{w.AccountId}/{MatrixWorld.Marker}", _ => new { value = "v" }),
        R("DELETE", Api + "/bot-secrets/{accountId:long}/{name}", "3 3 2 2 | 3 3", async w => $"{Api}/bot-secrets/{w.AccountId}/{await w.NewSecretAsync()}"),
        R("GET", Api + "/bot-endpoints", "3 3 2 2 | 3 L", _ => Api + "/bot-endpoints"),
        R("PUT", Api + "/bot-endpoints/{accountId:long}", "3 3 2 2 | 3 3", w => $"{Api}/bot-endpoints/{w.AccountId}",
            _ => new { url = "https://bot.example/hook", secret = "0123456789abcdef-secret", enabled = false }),
        R("GET", Api + "/api-tokens", "3 3 3 2 | 3 L", _ => Api + "/api-tokens"),
        R("POST", Api + "/api-tokens", "3 3 3 2 | 3 3", _ => Api + "/api-tokens", w => new { accountId = w.AccountId, name = w.Fresh("token") }),
        R("DELETE", Api + "/api-tokens/{id:long}", "3 3 3 2 | 3 X", async w => $"{Api}/api-tokens/{await w.NewTokenAsync()}"),
        R("GET", Api + "/flows", "3 3 2 2 | 3 L", _ => Api + "/flows"),
        R("POST", Api + "/flows", "3 3 2 2 | 3 3", _ => Api + "/flows", w => new { accountId = w.AccountId, name = w.Fresh("flow") }),
        R("GET", Api + "/flows/{id:long}", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}"),
        R("PUT", Api + "/flows/{id:long}/draft", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}/draft", w => new { yaml = w.FlowDraft }),
        R("POST", Api + "/flows/{id:long}/validate", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}/validate"),
        R("POST", Api + "/flows/{id:long}/publish", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}/publish", _ => new { note = "again" }),
        R("POST", Api + "/flows/{id:long}/rollback", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}/rollback", _ => new { version = 1 }),
        R("GET", Api + "/flows/{id:long}/versions", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}/versions"),
        R("GET", Api + "/flows/{id:long}/diff", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}/diff?from=1"),
        R("POST", Api + "/flows/{id:long}/preview", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}/preview", _ => new { text = "hello" }),
        R("GET", Api + "/flows/{id:long}/export", "3 3 2 2 | X X", w => $"{Api}/flows/{w.FlowId}/export"),

        // Routing administration (admins), transfers (the assignee, supervisors, admins), one's own presence.
        R("GET", Api + "/skills", "3 3 3 2 | 3 L", _ => Api + "/skills"),
        R("POST", Api + "/skills", "3 3 3 2 | 3 X", _ => Api + "/skills", w => new { accountId = w.AccountId, name = w.Fresh("skill").Replace(' ', '-'), kind = "topic" }),
        R("PUT", Api + "/advisors/{id:long}/skills", "3 3 3 2 | 3 X", w => $"{Api}/advisors/{w.MarieId}/skills", w => new { skills = new[] { new { skillId = w.SkillId, level = 3 } } }),
        R("PUT", Api + "/advisors/{id:long}/capacity", "3 3 3 2 | 3 X", w => $"{Api}/advisors/{w.MarieId}/capacity", _ => new { @private = 4, @public = 5 }),
        R("GET", Api + "/queues/{id:long}/routing", "3 3 3 2 | 3 X", w => $"{Api}/queues/{w.QueueId}/routing"),
        R("PUT", Api + "/queues/{id:long}/routing", "3 3 3 2 | 3 X", w => $"{Api}/queues/{w.QueueId}/routing", _ => new { stickySeconds = 60 }),
        R("GET", Api + "/channel-weights", "3 3 3 2 | 3 X", w => $"{Api}/channel-weights?accountId={w.AccountId}"),
        R("PUT", Api + "/channel-weights", "3 3 3 2 | 3 X", _ => Api + "/channel-weights", w => new { accountId = w.AccountId, channel = "whatsApp", units = 2 }),
        R("POST", Api + "/conversations/{id:long}/transfer", "3 2 3 2 | X X", async w => $"{Api}/conversations/{await w.ConversationAsync()}/transfer",
            w => new { queueId = w.QueueId, note = "matrix" }),
        R("PUT", Api + "/presence", "2 2 2 2 | L L", _ => Api + "/presence", _ => new { presence = "offline" }),

        // Views and tags.
        R("GET", Api + "/views", "2 2 2 2 | L L", _ => Api + "/views"),
        R("GET", Api + "/views/{id:long}", "2 2 2 2 | X X", w => $"{Api}/views/{w.ViewId}"),
        R("POST", Api + "/views", "3 2 3 2 | 3 3", _ => Api + "/views", w => new { name = w.Fresh("view"), query = "status=open", accountId = w.AccountId }),
        R("DELETE", Api + "/views/{id:long}", "3 2 3 2 | X X", async w => $"{Api}/views/{await w.NewViewAsync()}"),
        R("POST", Api + "/conversations/{id:long}/tags", "2 2 2 2 | X X", w => $"{Api}/conversations/{w.ConversationId}/tags", _ => new { tag = "matrix" }),
        R("DELETE", Api + "/conversations/{id:long}/tags/{tag}", "2 2 2 2 | X X", w => $"{Api}/conversations/{w.ConversationId}/tags/matrix"),

        // Favourite replies (shared ones changed by supervisors and admins), snooze, notes and mentions.
        R("GET", Api + "/favourite-replies", "2 2 2 2 | L L", _ => Api + "/favourite-replies"),
        R("POST", Api + "/favourite-replies", "3 2 3 2 | X X", _ => Api + "/favourite-replies",
            w => new { scope = "account", accountId = w.AccountId, title = w.Fresh("reply"), shortcut = w.Fresh("s").Replace(" ", ""), body = "Hi" }),
        R("PUT", Api + "/favourite-replies/{id:long}", "3 2 3 2 | X X", w => $"{Api}/favourite-replies/{w.ReplyId}",
            _ => new { title = MatrixWorld.Marker + " reply", shortcut = "matrix", body = "Hello" }),
        R("DELETE", Api + "/favourite-replies/{id:long}", "3 2 3 2 | X X", async w => $"{Api}/favourite-replies/{await w.NewReplyAsync()}"),
        R("GET", Api + "/favourite-replies/{id:long}/rendered", "2 2 2 2 | X X", w => $"{Api}/favourite-replies/{w.ReplyId}/rendered?conversationId={w.ConversationId}"),
        R("POST", Api + "/conversations/{id:long}/snooze", "3 2 3 2 | X X", w => $"{Api}/conversations/{w.ConversationId}/snooze",
            w => new { until = w.App.Clock.GetUtcNow().AddHours(1) }),
        R("DELETE", Api + "/conversations/{id:long}/snooze", "3 2 3 2 | X X", w => $"{Api}/conversations/{w.ConversationId}/snooze"),
        R("GET", Api + "/conversations/{id:long}/notes", "2 2 2 2 | X X", w => $"{Api}/conversations/{w.ConversationId}/notes"),
        R("POST", Api + "/conversations/{id:long}/notes", "2 2 2 2 | X X", w => $"{Api}/conversations/{w.ConversationId}/notes", _ => new { body = "a note" }),
        R("GET", Api + "/mentions", "2 2 2 2 | L L", _ => Api + "/mentions"),
        R("POST", Api + "/mentions/{id:long}/read", "2 4 4 4 | 4 4", w => $"{Api}/mentions/{w.MentionId}/read"),

        // Help requests: anyone who sees the conversation asks; supervisors and admins help (each call on a fresh request
        // that Luca asked, so none of the callers is its requester).
        R("POST", Api + "/conversations/{id:long}/help", "2 2 2 2 | X X", async w => $"{Api}/conversations/{await w.ConversationAsync()}/help", _ => new { note = "Please help" }),
        R("GET", Api + "/conversations/{id:long}/help", "2 2 2 2 | X X", w => $"{Api}/conversations/{w.ConversationId}/help"),
        R("GET", Api + "/help", "2 2 2 2 | L L", _ => Api + "/help"),
        R("POST", Api + "/help/{id:long}/answer", "3 2 3 2 | X X", async w => $"{Api}/help/{await w.NewHelpRequestAsync()}/answer", _ => new { text = "Try this" }),
        R("POST", Api + "/help/{id:long}/whisper", "3 2 3 2 | X X", async w => $"{Api}/help/{await w.NewHelpRequestAsync()}/whisper", _ => new { text = "Psst" }),
        R("POST", Api + "/help/{id:long}/join", "3 2 3 2 | X X", async w => $"{Api}/help/{await w.NewHelpRequestAsync()}/join"),
        R("POST", Api + "/help/{id:long}/take-over", "3 2 3 2 | X X", async w => $"{Api}/help/{await w.NewHelpRequestAsync()}/take-over"),
        R("POST", Api + "/help/{id:long}/close", "3 2 3 2 | X X", async w => $"{Api}/help/{await w.NewHelpRequestAsync()}/close"),

        // Supervision: supervisors and admins of the account.
        R("GET", Api + "/supervision/accounts", "3 2 3 2 | 3 L", _ => Api + "/supervision/accounts"),
        R("GET", Api + "/supervision/accounts/{accountId:long}", "3 2 3 2 | X X", w => $"{Api}/supervision/accounts/{w.AccountId}"),
        R("GET", Api + "/supervision/queues/{id:long}/conversations", "3 2 3 2 | X X", w => $"{Api}/supervision/queues/{w.QueueId}/conversations"),
        R("PUT", Api + "/supervision/queues/{id:long}/targets", "3 2 3 2 | X X", w => $"{Api}/supervision/queues/{w.QueueId}/targets",
            _ => new { answerWithinSeconds = 90, alertAfterSeconds = 600 }),
        R("POST", Api + "/supervision/conversations/{id:long}/reassign", "3 2 3 2 | X X", async w => $"{Api}/supervision/conversations/{await w.ConversationAsync()}/reassign",
            w => new { queueId = w.QueueId, note = "matrix" }),
        R("PUT", Api + "/supervision/advisors/{id:long}/presence", "3 2 3 2 | X X", w => $"{Api}/supervision/advisors/{w.LucaId}/presence", _ => new { presence = "away" }),
    ];

    private static object Connection(long accountId, string name, string externalId) => new
    {
        kind = "Messenger", accountId, name, externalId, accessToken = "page-token", appSecret = "app-secret", verifyToken = (string?)null, ratePerSecond = (double?)null,
    };
}
