using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Channels;

/// <summary>
/// Saves the connections declared in configuration (Channels:Connections:N) at start, before any webhook is answered:
/// configuration is their truth, so a deployment as code changes them by changing its settings. A declaration that
/// cannot be saved (a missing field, an account that does not exist) stops the start with the reason.
/// </summary>
public sealed class DeclaredConnections(IConfiguration configuration, IDbContextFactory<ParleyDb> dbs, ConnectionAdmin admin, ILogger<DeclaredConnections> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var declared = configuration.GetSection(DeclaredConnection.Section).Get<List<DeclaredConnection>>() ?? [];
        var problems = declared.Select((d, i) => d.Problem(i)).OfType<string>().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        for (var i = 0; i < declared.Count; i++)
        {
            var d = declared[i];
            var accountId = await db.Accounts.Where(a => a.Name == d.Account).Select(a => (long?)a.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new InvalidOperationException($"{DeclaredConnection.Section}:{i}: there is no account named '{d.Account}'.");
            var saved = await admin.SaveDeclaredAsync(
                new ConnectionDraft(d.Kind!.Value, accountId, d.Name!, d.ExternalId!, d.AccessToken, d.AppSecret, d.VerifyToken, d.RatePerSecond, d.Enabled,
                    d.Templates is null ? null : new ConnectionSettings { Templates = d.Templates }),
                cancellationToken);
            logger.LogInformation("Connection {Kind} {ExternalId} ({Name}) declared in configuration, inbox {InboxId}", saved.Kind, saved.ExternalId, d.Name, saved.InboxId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
