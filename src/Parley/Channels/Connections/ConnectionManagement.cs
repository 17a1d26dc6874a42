using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Channels;

/// <summary>A connection as an admin sees it: never its access token or app secret, only whether they are set.</summary>
public sealed record ConnectionView(
    long Id,
    ChannelKind Kind,
    long AccountId,
    string AccountName,
    string Name,
    string ExternalId,
    bool Enabled,
    bool Declared,
    double? RatePerSecond,
    bool HasAccessToken,
    bool HasAppSecret,
    string? VerifyToken,
    string WebhookPath,
    IReadOnlyList<MessageTemplate> Templates,
    OptionsPreview? TopicsPreview = null);

/// <summary>What an admin enters to add or change a connection; an empty secret on a change keeps the stored one.</summary>
public sealed record ConnectionInput(
    ChannelKind Kind,
    long AccountId,
    string Name,
    string ExternalId,
    string? AccessToken,
    string? AppSecret,
    string? VerifyToken,
    double? RatePerSecond,
    bool Enabled = true,
    IReadOnlyList<MessageTemplate>? Templates = null);

public enum ManagementOutcome
{
    Done,
    Invalid,
    Forbidden,
    NotFound,
    Conflict,
}

public sealed record ManagementResult(ManagementOutcome Outcome, string? Problem = null, ConnectionView? Connection = null);

/// <summary>
/// The console's management of connections, for admins of the connection's account: list, add, change, enable or
/// disable. Connections declared in configuration are shown but changed only there (each start would undo a change).
/// </summary>
public sealed class ConnectionManagement(
    IDbContextFactory<ParleyDb> dbs, ConnectionAdmin admin, ConnectionSecrets secrets, InboxDirectory inboxes, ChannelConnectors connectors)
{
    public static string WebhookPath(ChannelKind kind) => $"/webhooks/{kind.ToString().ToLowerInvariant()}";

    public async Task<IReadOnlyList<ConnectionView>> ListAsync(AdvisorSession advisor, CancellationToken ct)
    {
        if (advisor.Role != AdvisorRole.Admin)
        {
            return [];
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = advisor.AccountIds.ToList();
        var rows = await db.Connections.AsNoTracking()
            .Join(db.Inboxes, c => c.InboxId, i => i.Id, (c, i) => new { c, i.Name, i.AccountId })
            .Join(db.Accounts, x => x.AccountId, a => a.Id, (x, a) => new { x.c, x.Name, x.AccountId, Account = a.Name })
            .Where(x => accounts.Contains(x.AccountId))
            .OrderBy(x => x.Account).ThenBy(x => x.c.Kind).ThenBy(x => x.Name)
            .ToListAsync(ct);
        var views = new List<ConnectionView>(rows.Count);
        foreach (var r in rows)
        {
            views.Add(View(r.c, r.AccountId, r.Account, r.Name) with { TopicsPreview = await TopicsPreviewAsync(r.c, ct) });
        }

        return views;
    }

    /// <summary>How the bot's topic picker shows on this connection's channel, and which of the platform's limits changed it.</summary>
    private async Task<OptionsPreview?> TopicsPreviewAsync(Connection connection, CancellationToken ct)
    {
        var settings = await inboxes.FindAsync(connection.InboxId, ct) is { } inbox ? InboxSettings.Parse(inbox.SettingsJson) : null;
        return settings is { Topics.Count: > 0 } && connectors.Find(connection.Kind) is { } connector
            ? connector.PreviewOptions(settings.Greeting, settings.Topics.Select(t => new Conversations.MessageOption(t.Id, t.Title, t.Description)).ToList())
            : null;
    }

    public async Task<ManagementResult> CreateAsync(AdvisorSession advisor, ConnectionInput input, CancellationToken ct)
    {
        if (Check(advisor, input, creating: true) is { } refused)
        {
            return refused;
        }

        try
        {
            var verify = string.IsNullOrWhiteSpace(input.VerifyToken) && input.Kind != ChannelKind.X ? NewVerifyToken() : Blank(input.VerifyToken);
            var created = await admin.CreateAsync(Draft(input, verify), declared: false, ct);
            return new ManagementResult(ManagementOutcome.Done, Connection: await FindAsync(advisor, created.Id, ct));
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new ManagementResult(ManagementOutcome.Conflict, $"A {input.Kind} connection with id {input.ExternalId} exists already.");
        }
    }

    public async Task<ManagementResult> UpdateAsync(AdvisorSession advisor, long id, ConnectionInput input, CancellationToken ct)
    {
        var current = await FindAsync(advisor, id, ct);
        if (current is null)
        {
            return new ManagementResult(ManagementOutcome.NotFound, "No such connection in your accounts.");
        }

        if (current.Declared)
        {
            return new ManagementResult(ManagementOutcome.Conflict, "This connection is declared in configuration (Channels:Connections): change it there.");
        }

        if (Check(advisor, input with { Kind = current.Kind, AccountId = current.AccountId }, creating: false) is { } refused)
        {
            return refused;
        }

        try
        {
            await admin.UpdateAsync(id, Draft(input with { Kind = current.Kind, AccountId = current.AccountId }, Blank(input.VerifyToken)), ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new ManagementResult(ManagementOutcome.Conflict, $"A {current.Kind} connection with id {input.ExternalId} exists already.");
        }

        return new ManagementResult(ManagementOutcome.Done, Connection: await FindAsync(advisor, id, ct));
    }

    /// <summary>The connection if the advisor is an admin of its account.</summary>
    public async Task<ConnectionView?> FindAsync(AdvisorSession advisor, long id, CancellationToken ct) =>
        (await ListAsync(advisor, ct)).FirstOrDefault(c => c.Id == id);

    private static ManagementResult? Check(AdvisorSession advisor, ConnectionInput input, bool creating)
    {
        if (advisor.Role != AdvisorRole.Admin)
        {
            return new ManagementResult(ManagementOutcome.Forbidden, "Only admins manage connections.");
        }

        if (!advisor.CanAccess(input.AccountId))
        {
            return new ManagementResult(creating ? ManagementOutcome.Forbidden : ManagementOutcome.NotFound, "That account is not one of yours.");
        }

        var problem = input switch
        {
            { Kind: ChannelKind.WebMessaging } => "A connection is Messenger, Instagram, WhatsApp or X.",
            { Name: null or { Length: 0 or > 100 } } => "The name has 1 to 100 characters.",
            { ExternalId: null or { Length: 0 or > 64 } } => "The platform id has 1 to 64 characters.",
            _ when !input.ExternalId.All(char.IsAsciiLetterOrDigit) => "The platform id has only letters and digits (the id Meta or X shows).",
            { RatePerSecond: <= 0 or > 10_000 } => "The send rate is between 0 and 10,000 per second (empty: the platform's default).",
            _ when new[] { input.AccessToken, input.AppSecret, input.VerifyToken }.Any(s => s?.Length > 4096) => "Tokens and secrets have at most 4,096 characters.",
            _ when creating && (string.IsNullOrWhiteSpace(input.AccessToken) || string.IsNullOrWhiteSpace(input.AppSecret)) =>
                "A new connection needs its access token and its app secret (the consumer secret on X).",
            _ when input.Templates?.Any(t => string.IsNullOrWhiteSpace(t.Name) || string.IsNullOrWhiteSpace(t.Language) || string.IsNullOrWhiteSpace(t.Body)) == true =>
                "Each template has a name, a language and a body.",
            _ => Hosting.InputText.FirstProblem(("name", input.Name, false), ("accessToken", input.AccessToken, false),
                ("appSecret", input.AppSecret, false), ("verifyToken", input.VerifyToken, false)),
        };
        return problem is null ? null : new ManagementResult(ManagementOutcome.Invalid, problem);
    }

    private static ConnectionDraft Draft(ConnectionInput input, string? verifyToken) => new(
        input.Kind, input.AccountId, input.Name.Trim(), input.ExternalId, Blank(input.AccessToken), Blank(input.AppSecret), verifyToken,
        input.RatePerSecond, input.Enabled, input.Templates is null ? null : new ConnectionSettings { Templates = input.Templates });

    private static string? Blank(string? secret) => string.IsNullOrWhiteSpace(secret) ? null : secret.Trim();

    private static string NewVerifyToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    private ConnectionView View(Connection c, long accountId, string account, string name) => new(
        c.Id, c.Kind, accountId, account, name, c.ExternalId, c.Enabled, c.Declared, c.RatePerSecond,
        c.AccessToken is not null, c.AppSecret is not null, secrets.Unprotect(c.VerifyToken), WebhookPath(c.Kind),
        ConnectionSettings.Parse(c.SettingsJson).Templates);
}
