using System.Collections.Concurrent;
using System.Threading.Channels;
using Parley.Contacts;
using Parley.Data;
using Microsoft.EntityFrameworkCore;

namespace Parley.Channels.Meta;

/// <summary>
/// Fills in the name and picture of Messenger and Instagram customers from their Graph profile, in the background: the
/// webhook is answered without waiting, and a customer's profile is asked for once per node and day at most.
/// </summary>
public sealed class MetaProfiles(
    MetaGraphClient graph, ContactDirectory contacts, IDbContextFactory<ParleyDb> dbs, InboxDirectory inboxes, ILogger<MetaProfiles> logger) : BackgroundService
{
    private const int MaxRemembered = 50_000;
    private readonly Channel<(ConnectionCredentials Connection, long ContactId, string CustomerId)> _queue =
        Channel.CreateBounded<(ConnectionCredentials, long, string)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly ConcurrentDictionary<(long, string), DateTime> _asked = new();

    public void Request(ConnectionCredentials connection, long contactId, string customerId)
    {
        var now = DateTime.UtcNow;
        if (_asked.TryGetValue((connection.InboxId, customerId), out var at) && now - at < TimeSpan.FromDays(1))
        {
            return;
        }

        if (_asked.Count >= MaxRemembered)
        {
            _asked.Clear();
        }

        _asked[(connection.InboxId, customerId)] = now;
        _queue.Writer.TryWrite((connection, contactId, customerId));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (connection, contactId, customerId) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await FetchAsync(connection, contactId, customerId, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogInformation(e, "The {Kind} profile of {Customer} could not be read", connection.Kind, customerId);
            }
        }
    }

    private async Task FetchAsync(ConnectionCredentials connection, long contactId, string customerId, CancellationToken ct)
    {
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            if (await db.Contacts.AnyAsync(c => c.Id == contactId && c.Name != null, ct))
            {
                return;
            }
        }

        var fields = connection.Kind == ChannelKind.Instagram ? "name,username,profile_pic" : "first_name,last_name,profile_pic";
        var (answer, failure) = await graph.GetAsync(connection, $"{Uri.EscapeDataString(customerId)}?fields={fields}", ct);
        if (answer is not { } profile || failure is not null || await inboxes.FindAsync(connection.InboxId, ct) is not { } inbox)
        {
            logger.LogInformation("No {Kind} profile for {Customer}: {Reason}", connection.Kind, customerId, failure?.Error);
            return;
        }

        var name = connection.Kind == ChannelKind.Instagram
            ? Webhooks.PlatformText.Of(profile, "name") ?? Webhooks.PlatformText.Of(profile, "username")
            : string.Join(' ', new[] { Webhooks.PlatformText.Of(profile, "first_name"), Webhooks.PlatformText.Of(profile, "last_name") }.Where(n => !string.IsNullOrWhiteSpace(n)));
        var picture = Webhooks.PlatformText.Of(profile, "profile_pic") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" ? url : null;
        if (!string.IsNullOrWhiteSpace(name))
        {
            await contacts.FindOrCreateAsync(inbox, customerId, verified: true, new ContactProfile(name, null, AvatarUrl: picture), ct);
        }
    }
}
