using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Routing;

/// <summary>Shared steps of the routing tests, on the demo workspace (Marie and Luca both serve the Parcels queue).</summary>
internal static class RoutingSetup
{
    /// <summary>A guest's conversation handed to the Parcels queue by the bot; the guest stays open for more messages.</summary>
    public static async Task<(long ConversationId, WidgetClient Customer)> QueueCustomerAsync(ParleyApplication app)
    {
        var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        await customer.SendAsync("Parcels", "parcels");
        // With an advisor online and free, routing may assign it before the customer looks.
        await customer.WaitForAsync(m => m.Status is "queued" or "assigned", "the handoff to the Parcels queue");
        return (conversationId, customer);
    }

    /// <summary>An assignment's read of its planned conversations (PostgreSQL), once it holds its advisors and counted their loads.</summary>
    public static bool ReadsPlannedConversations(string sql) =>
        sql.Contains("FROM conversations AS c", StringComparison.Ordinal) && sql.Contains("c.id = ANY (@", StringComparison.Ordinal);

    /// <summary>
    /// A routing pass's read of the waiting conversations' own skills: after it took the advisors' loads (read or kept
    /// from the last pass) and the waiting conversations, before it plans. The waiting read itself is hand-written SQL,
    /// which EF's interceptors do not see.
    /// </summary>
    public static bool ReadsWaitingRequirements(string sql) => sql.Contains("FROM conversation_skills AS c", StringComparison.Ordinal);

    /// <summary>Whether a session of the test's PostgreSQL database waits for a lock.</summary>
    public static Task<bool> SomeoneWaitsForALockAsync(ParleyApplication app) => app.DbAsync(async db =>
        await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            .SingleAsync() > 0);

    public static async Task<long> QueueOneAsync(ParleyApplication app)
    {
        var (id, customer) = await QueueCustomerAsync(app);
        customer.Dispose();
        return id;
    }

    public static Task<long> ParcelsAsync(ParleyApplication app) =>
        app.DbAsync(db => db.Queues.Where(q => q.Name == "Parcels").Select(q => q.Id).FirstAsync());

    public static async Task<long> SkillAsync(ParleyApplication app, string name, params (AdvisorSession Advisor, int Level)[] levels) =>
        await app.DbAsync(async db =>
        {
            var accountId = await db.Queues.Where(q => q.Name == "Parcels").Select(q => q.AccountId).FirstAsync();
            var skill = new Skill { AccountId = accountId, Name = name, Kind = SkillKind.Language };
            db.Skills.Add(skill);
            await db.SaveChangesAsync();
            db.AdvisorSkills.AddRange(levels.Select(l => new AdvisorSkill { AdvisorId = l.Advisor.Id, SkillId = skill.Id, Level = l.Level }));
            await db.SaveChangesAsync();
            return skill.Id;
        });

    public static Task SetPresenceAsync(ParleyApplication app, AdvisorSession advisor, Presence presence) =>
        app.Service<ConversationActions>().SetPresenceAsync(advisor, presence, CancellationToken.None);

    /// <summary>The advisor online with room for <paramref name="capacity"/> private conversations.</summary>
    public static async Task<AdvisorSession> OnlineWithCapacityAsync(ParleyApplication app, string email, int capacity)
    {
        var advisor = await app.AdvisorAsync(email);
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == advisor.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, capacity)));
        await SetPresenceAsync(app, advisor, Presence.Online);
        return advisor;
    }

    public static Task<Conversation> ConversationAsync(ParleyApplication app, long id) =>
        app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == id));

    /// <summary>Waits until the conversation is assigned (by the background router or a pass) and returns it.</summary>
    public static async Task<Conversation> AssignedAsync(ParleyApplication app, long id)
    {
        Conversation? conversation = null;
        await Expect.UntilAsync(async () =>
        {
            await app.Service<Router>().AssignAsync(CancellationToken.None);
            conversation = await ConversationAsync(app, id);
            return conversation.Status == ConversationStatus.Assigned;
        }, $"conversation {id} to be assigned");
        return conversation!;
    }
}
