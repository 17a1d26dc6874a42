using Microsoft.EntityFrameworkCore;
using Parley.Accounts;
using Parley.Channels;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Bench;

/// <summary>One of the bench's advisors: their id and the accounts they work for.</summary>
internal sealed record BenchAdvisor(long Id, long AccountId);

/// <summary>
/// The routing and console benches' data set, written straight through EF Core (no HTTP): <c>accounts</c> brands, each
/// with a website and a WhatsApp inbox (WhatsApp counts 2 load units in every other brand), three queues (one sticky,
/// one requiring a language skill that relaxes after a minute), two language skills, and <c>advisorsPerAccount</c>
/// advisors, offline, with varied capacities (private 10–70, public 5–15), one to three queues and some skills.
/// Deterministic (a fixed seed), so two runs plan on the same data.
/// </summary>
internal sealed class BenchWorkspace
{
    private readonly Random _random = new(12);

    public List<long> AccountIds { get; } = [];
    public List<BenchAdvisor> Advisors { get; } = [];
    private readonly Dictionary<long, (List<Inbox> Inboxes, List<long> Queues, List<long> Skills)> _byAccount = [];

    public static async Task<BenchWorkspace> CreateAsync(InProcessParley parley, int accounts, int advisorsPerAccount, string prefix = "bench")
    {
        var workspace = new BenchWorkspace();
        await using var db = await parley.Service<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        var now = DateTime.UtcNow;
        for (var a = 0; a < accounts; a++)
        {
            var account = new Account { Name = $"Bench brand {a + 1}", CreatedAt = now };
            db.Accounts.Add(account);
            await db.SaveChangesAsync();
            var inboxes = new[] { ChannelKind.WebMessaging, ChannelKind.WhatsApp }
                .Select(k => new Inbox { AccountId = account.Id, Name = $"{account.Name} {k}", Channel = k, SettingsJson = new InboxSettings().ToJson(), CreatedAt = now })
                .ToList();
            var queues = new[] { "Parcels", "Bank", "Mobile" }.Select((n, i) => new Queue { AccountId = account.Id, Name = n, StickySeconds = i == 0 ? 600 : 0 }).ToList();
            var skills = new[] { "Italian", "English" }.Select(n => new Skill { AccountId = account.Id, Name = n, Kind = SkillKind.Language }).ToList();
            db.Inboxes.AddRange(inboxes);
            db.Queues.AddRange(queues);
            db.Skills.AddRange(skills);
            await db.SaveChangesAsync();
            db.QueueSkills.Add(new QueueSkill { QueueId = queues[1].Id, SkillId = skills[0].Id, MinLevel = 3 });
            db.QueueRelaxations.Add(new QueueRelaxation { QueueId = queues[1].Id, AfterSeconds = 60, SkillId = skills[0].Id, LowerTo = 1 });
            if (a % 2 == 0)
            {
                db.ChannelWeights.Add(new ChannelWeight { AccountId = account.Id, Channel = ChannelKind.WhatsApp, Units = 2 });
            }

            var advisors = Enumerable.Range(0, advisorsPerAccount).Select(i => new Advisor
            {
                Email = $"{prefix}-{a + 1}-{i + 1}@parley.local",
                DisplayName = $"Advisor {a + 1}.{i + 1}",
                PasswordHash = "-",
                Role = AdvisorRole.Advisor,
                Capacity = workspace._random.Next(10, 71),
                PublicCapacity = workspace._random.Next(5, 16),
                Presence = Presence.Offline,
                PresenceChangedAt = now,
                CreatedAt = now,
            }).ToList();
            db.Advisors.AddRange(advisors);
            await db.SaveChangesAsync();
            foreach (var advisor in advisors)
            {
                db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = advisor.Id, AccountId = account.Id });
                foreach (var queue in queues.Where((_, i) => i == 0 || workspace._random.NextDouble() < 0.6))
                {
                    db.AdvisorQueues.Add(new AdvisorQueue { AdvisorId = advisor.Id, QueueId = queue.Id });
                }

                foreach (var skill in skills.Where(_ => workspace._random.NextDouble() < 0.5))
                {
                    db.AdvisorSkills.Add(new AdvisorSkill { AdvisorId = advisor.Id, SkillId = skill.Id, Level = workspace._random.Next(1, 6) });
                }

                workspace.Advisors.Add(new BenchAdvisor(advisor.Id, account.Id));
            }

            await db.SaveChangesAsync();
            workspace.AccountIds.Add(account.Id);
            workspace._byAccount[account.Id] = (inboxes, queues.Select(q => q.Id).ToList(), skills.Select(s => s.Id).ToList());
        }

        return workspace;
    }

    /// <summary>
    /// Queues <paramref name="count"/> conversations across the accounts, one contact each: queued over the last ten minutes,
    /// 10 % priority 1 and 2 % priority 2, a third on WhatsApp, 10 % public threads, 20 % needing a language skill.
    /// </summary>
    public async Task<List<long>> QueueAsync(InProcessParley parley, int count, ConversationStatus status = ConversationStatus.Queued)
    {
        var ids = new List<long>(count);
        var now = DateTime.UtcNow;
        const int Chunk = 2_000;
        for (var start = 0; start < count; start += Chunk)
        {
            await using var db = await parley.Service<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var batch = new List<(Conversation Conversation, Contact Contact, long? Skill)>();
            for (var i = start; i < Math.Min(count, start + Chunk); i++)
            {
                var accountId = AccountIds[i % AccountIds.Count];
                var (inboxes, queues, skills) = _byAccount[accountId];
                var inbox = inboxes[_random.Next(3) == 0 ? 1 : 0];
                var contact = new Contact { AccountId = accountId, Name = $"Customer {i + 1}", CreatedAt = now };
                var draw = _random.NextDouble();
                var queuedAt = now.AddSeconds(-_random.Next(600));
                var conversation = new Conversation
                {
                    AccountId = accountId,
                    InboxId = inbox.Id,
                    Channel = inbox.Channel,
                    IsPublic = _random.NextDouble() < 0.1,
                    Status = status,
                    QueueId = queues[_random.Next(queues.Count)],
                    Priority = draw < 0.02 ? 2 : draw < 0.12 ? 1 : 0,
                    CreatedAt = queuedAt,
                    UpdatedAt = queuedAt,
                    QueuedAt = queuedAt,
                };
                batch.Add((conversation, contact, _random.NextDouble() < 0.2 ? skills[_random.Next(skills.Count)] : null));
            }

            db.Contacts.AddRange(batch.Select(b => b.Contact));
            await db.SaveChangesAsync();
            foreach (var (conversation, contact, _) in batch)
            {
                conversation.ContactId = contact.Id;
            }

            db.Conversations.AddRange(batch.Select(b => b.Conversation));
            await db.SaveChangesAsync();
            db.ConversationSkills.AddRange(batch.Where(b => b.Skill is not null)
                .Select(b => new ConversationSkill { ConversationId = b.Conversation.Id, SkillId = b.Skill!.Value, MinLevel = _random.Next(1, 4) }));
            await db.SaveChangesAsync();
            ids.AddRange(batch.Select(b => b.Conversation.Id));
        }

        return ids;
    }

    /// <summary>Sets the presence of every advisor of the workspaces made with this prefix, in one statement.</summary>
    public static Task SetPresenceAsync(InProcessParley parley, Presence presence, string prefix = "bench") => parley.DbAsync(db => db.Advisors
        .Where(a => a.Email.StartsWith(prefix + "-"))
        .ExecuteUpdateAsync(u => u.SetProperty(a => a.Presence, presence).SetProperty(a => a.PresenceChangedAt, DateTime.UtcNow)));
}
