using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Parley.Accounts;
using Parley.Channels;
using Parley.Channels.WebMessaging;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seeds a demo brand, inbox, queues and advisors into an empty database, and serves /demo.</summary>
    public bool Enabled { get; set; }

    /// <summary>The password of every demo login; printed at start.</summary>
    public string Password { get; set; } = "parley-demo";

    /// <summary>
    /// The demo's bot is the published flow "La Posta assistant" (Demo/demo-flow.yaml: free text in three languages,
    /// parcel tracking through the demo parcel API); false keeps the built-in topic bot.
    /// </summary>
    public bool Flow { get; set; } = true;
}

/// <summary>The demo workspace: a postal group's website with three topics and a small team.</summary>
public sealed class DemoWorkspace(
    IDbContextFactory<ParleyDb> dbs,
    IPasswordHasher<Advisor> hasher,
    Microsoft.Extensions.Options.IOptions<DemoOptions> options,
    TimeProvider clock,
    ConnectionAdmin connections,
    ConnectionSecrets secrets,
    ILogger<DemoWorkspace> logger) : IHostedService
{
    public const string InboxKey = "demo-website";
    public const string AccountName = "La Posta";

    /// <summary>
    /// The demo account on each social network, connected to the built-in simulator (/simulator) instead of the platform:
    /// a Facebook page, an Instagram account, a WhatsApp phone number id and an X user id.
    /// </summary>
    public static readonly (ChannelKind Kind, string ExternalId, string Name)[] SocialAccounts =
    [
        (ChannelKind.Messenger, "100200300400500", "La Posta on Messenger"),
        (ChannelKind.Instagram, "17841400000000001", "La Posta on Instagram"),
        (ChannelKind.WhatsApp, "106540352242922", "La Posta on WhatsApp"),
        (ChannelKind.X, "1460000000000000001", "La Posta on X"),
    ];
    public static readonly string[] Logins = ["admin@parley.local", "supervisor@parley.local", "marie@parley.local", "luca@parley.local", "sofia@parley.local", "chiara@parley.local"];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.WebWidgets.AnyAsync(w => w.PublicKey == InboxKey, cancellationToken))
        {
            try
            {
                await SeedAsync(db, cancellationToken);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Another node started at the same time and seeded it first; this seed was rolled back whole.
            }
        }

        await ConnectSocialAccountsAsync(db, cancellationToken);
        if (options.Value.Flow)
        {
            await DemoFlow.SeedAsync(db, clock.GetUtcNow().UtcDateTime, cancellationToken);
        }

        logger.LogWarning(
            "Demo workspace ready. Widget demo: /demo  Social networks simulator: /simulator  Console: /console  Logins: {Logins} (password: {Password})",
            string.Join(", ", Logins), options.Value.Password);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Connects the account's social networks to the simulator, each once: also in a demo database seeded before they
    /// existed. The secrets are random (the simulator reads them from the connection); the API URL is the simulator's.
    /// </summary>
    private async Task ConnectSocialAccountsAsync(ParleyDb db, CancellationToken ct)
    {
        var accountId = await db.Accounts.Where(a => a.Name == AccountName).OrderBy(a => a.Id).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        if (accountId is null)
        {
            return;
        }

        foreach (var (kind, externalId, name) in SocialAccounts)
        {
            if (await db.Connections.AnyAsync(c => c.Kind == kind && c.ExternalId == externalId, ct))
            {
                continue;
            }

            var settings = new ConnectionSettings
            {
                ApiUrl = kind == ChannelKind.X ? "/simulator/x" : "/simulator/graph/v23.0",
                Templates = kind == ChannelKind.WhatsApp
                    ?
                    [
                        new MessageTemplate("parcel_update", "en", "Hello {{1}}, your parcel {{2}} is on its way."),
                        new MessageTemplate("follow_up", "en", "Hello {{1}}, do you still need help with your request?"),
                    ]
                    : [],
            };
            try
            {
                await connections.CreateAsync(
                    new ConnectionDraft(kind, accountId.Value, name, externalId, Secret(), Secret(), Secret(), RatePerSecond: 50, Settings: settings),
                    declared: false, ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Another node connected it at the same time.
            }
        }
    }

    private static string Secret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private async Task SeedAsync(ParleyDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The account's CRM is the demo's stand-in (DemoCrm), which checks Parley's signature with this secret.
        var crm = new Contacts.Crm.CrmSettings { Url = DemoCrm.Path, ProtectedSecret = secrets.Protect(Secret()), TimeoutMs = 5_000 };
        var account = new Account { Name = AccountName, CreatedAt = now, CrmJson = crm.ToJson() };
        db.Accounts.Add(account);
        await db.SaveChangesAsync(ct);

        var queues = new[] { "Parcels", "Bank", "Mobile" }.Select(n => new Queue { AccountId = account.Id, Name = n }).ToList();
        db.Queues.AddRange(queues);
        await db.SaveChangesAsync(ct);

        var settings = new InboxSettings
        {
            BotName = "Posta bot",
            Greeting = "Hello! I'm the La Posta virtual assistant. What is your question about?",
            Topics =
            [
                new Topic("parcels", "Parcels", "Track, redirect or claim a parcel", queues[0].Id),
                new Topic("bank", "Bank", "Accounts, cards and payments", queues[1].Id),
                new Topic("mobile", "Mobile", "SIM, plans and coverage", queues[2].Id),
            ],
            DefaultQueueId = queues[0].Id,
            BusinessHours = BusinessHoursSchedule.Weekdays("Europe/Paris", new TimeOnly(8, 0), new TimeOnly(20, 0), saturdayTo: new TimeOnly(13, 0)),
            ExpectedReplyMinutes = 10,
        };
        var website = new Inbox
        {
            AccountId = account.Id,
            Name = "La Posta website",
            Channel = ChannelKind.WebMessaging,
            SettingsJson = settings.ToJson(),
            CreatedAt = now,
        };
        db.Inboxes.Add(website);
        await db.SaveChangesAsync(ct);
        db.WebWidgets.Add(new WebWidget
        {
            InboxId = website.Id,
            PublicKey = InboxKey,
            IdentitySecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        });

        var team = new (string Email, string Name, AdvisorRole Role, Queue[] Queues)[]
        {
            (Logins[0], "Admin", AdvisorRole.Admin, [.. queues]),
            (Logins[1], "Sam (supervisor)", AdvisorRole.Supervisor, [.. queues]),
            (Logins[2], "Marie", AdvisorRole.Advisor, [queues[0], queues[2]]),
            (Logins[3], "Luca", AdvisorRole.Advisor, [queues[0], queues[1]]),
            (Logins[4], "Sofia", AdvisorRole.Advisor, [queues[1], queues[2]]),
            (Logins[5], "Chiara (channel manager)", AdvisorRole.ChannelManager, []),
        };
        foreach (var (email, name, role, memberOf) in team)
        {
            var advisor = new Advisor
            {
                Email = email,
                DisplayName = name,
                PasswordHash = string.Empty,
                Role = role,
                Capacity = 5,
                Presence = Presence.Offline,
                PresenceChangedAt = now,
                CreatedAt = now,
            };
            advisor.PasswordHash = hasher.HashPassword(advisor, options.Value.Password);
            db.Advisors.Add(advisor);
            await db.SaveChangesAsync(ct);
            db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = advisor.Id, AccountId = account.Id });
            db.AdvisorQueues.AddRange(memberOf.Select(q => new AdvisorQueue { AdvisorId = advisor.Id, QueueId = q.Id }));
        }

        await db.SaveChangesAsync(ct);

        // Favourite replies every advisor of the brand can insert with '/' in the composer.
        db.FavouriteReplies.AddRange(
            new Console.Replies.FavouriteReply
            {
                Scope = Console.Replies.ReplyScope.Account, AccountId = account.Id, Shortcut = "strike", Title = "Strike delays",
                Body = "Hello {{ contact.first_name }}, because of the national strike parcels may arrive one or two days late. We are sorry for the wait.",
                CreatedAt = now, UpdatedAt = now,
            },
            new Console.Replies.FavouriteReply
            {
                Scope = Console.Replies.ReplyScope.Account, AccountId = account.Id, Shortcut = "code", Title = "Ask for the tracking code",
                Body = "Could you send me your tracking code, {{ contact.first_name }}? It has 13 characters, like RR123456785IT. {{ advisor.first_name }}",
                CreatedAt = now, UpdatedAt = now,
            });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
