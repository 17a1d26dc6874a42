using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Channels;
using Parley.Channels.Webhooks;
using Parley.Data;
using Parley.Identity;

namespace Parley.Contacts.Crm;

/// <summary>
/// Looks a contact up in their account's CRM for the console's CRM panel: a signed <c>POST</c> of who the contact is
/// (name, email, phone, identities on every channel), answered with a title, a few labelled fields and the record's
/// address. The console never waits longer than the account's time budget; answers (found or not) are kept for the
/// account's cache time on each node, failures are not.
/// </summary>
/// <remarks>
/// The signature: <c>X-Parley-Signature: t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}" with the secret}</c>, so
/// the CRM can refuse a replay by its time. docs/CRM.md has the formats.
/// </remarks>
public sealed class CrmLookup(
    IDbContextFactory<ParleyDb> dbs, IHttpClientFactory http, IMemoryCache cache, ConnectionSecrets secrets, PlatformApi platformApi,
    TimeProvider clock, ILogger<CrmLookup> logger)
{
    public const string HttpClientName = "crm";
    public const string SignatureHeader = "X-Parley-Signature";
    public const int MaxFields = 20;

    public async Task<CrmRecord?> LookupAsync(AdvisorSession advisor, long contactId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == contactId, ct);
        if (contact is null || !advisor.CanAccess(contact.AccountId))
        {
            return null;
        }

        var account = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == contact.AccountId, ct);
        if (CrmSettings.Parse(account.CrmJson) is not { } settings)
        {
            return new CrmRecord(CrmStatus.NotConfigured);
        }

        var key = (nameof(CrmLookup), contact.Id, settings.Url);
        if (cache.TryGetValue(key, out CrmRecord? known) && known is not null)
        {
            return known;
        }

        var identities = await (from i in db.ContactIdentities
                                where i.ContactId == contact.Id
                                join inbox in db.Inboxes on i.InboxId equals inbox.Id
                                select new { inbox.Channel, i.ExternalId, i.Verified }).ToListAsync(ct);
        var body = new JsonObject
        {
            ["account"] = new JsonObject { ["id"] = account.Id, ["name"] = account.Name },
            ["contact"] = new JsonObject
            {
                ["id"] = contact.Id, ["name"] = contact.Name, ["email"] = contact.Email, ["phone"] = contact.Phone,
                ["identities"] = new JsonArray([.. identities.Select(i => (JsonNode)new JsonObject
                {
                    ["channel"] = JsonNamingPolicy.CamelCase.ConvertName(i.Channel.ToString()), ["id"] = i.ExternalId, ["verified"] = i.Verified,
                })]),
            },
        }.ToJsonString();

        var record = await CallAsync(settings, body, ct);
        if (record.Status is CrmStatus.Found or CrmStatus.NotFound && settings.CacheSeconds > 0)
        {
            cache.Set(key, record, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(settings.CacheSeconds) });
        }

        return record;
    }

    /// <summary>The signature header's value for a body sent at <paramref name="at"/>.</summary>
    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private async Task<CrmRecord> CallAsync(CrmSettings settings, string body, CancellationToken ct)
    {
        string url;
        try
        {
            url = settings.Url.StartsWith('/') ? platformApi.OwnAddress() + settings.Url : settings.Url;
        }
        catch (InvalidOperationException e)
        {
            // A path on this server, and the server listens on no address it can call: the panel says so, the console goes on.
            return new CrmRecord(CrmStatus.Failed, Problem: e.Message);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secrets.Unprotect(settings.ProtectedSecret) is { } secret)
        {
            request.Headers.Add(SignatureHeader, Sign(secret, clock.GetUtcNow(), body));
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(TimeSpan.FromMilliseconds(settings.TimeoutMs));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, budget.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new CrmRecord(CrmStatus.NotFound);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new CrmRecord(CrmStatus.Failed, Problem: $"The CRM answered {(int)response.StatusCode}.");
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(budget.Token));
            return Read(json.RootElement);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new CrmRecord(CrmStatus.TimedOut, Problem: $"The CRM did not answer within {settings.TimeoutMs} ms.");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            logger.LogWarning(e, "The CRM lookup at {Url} failed", url);
            return new CrmRecord(CrmStatus.Failed, Problem: e is JsonException ? "The CRM's answer is not JSON." : "The CRM could not be reached.");
        }
    }

    /// <summary>The CRM's answer, kept as text only: a title, at most <see cref="MaxFields"/> fields, an http(s) record address.</summary>
    private static CrmRecord Read(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return new CrmRecord(CrmStatus.Failed, Problem: "The CRM's answer is not a JSON object.");
        }

        var fields = answer.TryGetProperty("fields", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
                .Select(f => (Label: PlatformText.Of(f, "label"), Value: PlatformText.Of(f, "value")))
                .Where(f => f.Label is { Length: > 0 } && f.Value is not null)
                .Take(MaxFields)
                .Select(f => new CrmField(Cut(f.Label!, 60), Cut(f.Value!, 300)))
                .ToList()
            : [];
        var title = PlatformText.Of(answer, "title") is { Length: > 0 } t ? Cut(t, 120) : null;
        return new CrmRecord(CrmStatus.Found, title, fields, PublicFields.WebUrl(PlatformText.Of(answer, "recordUrl")));
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
