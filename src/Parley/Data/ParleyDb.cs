using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Parley.Accounts;
using Parley.Analytics;
using Parley.Channels;
using Parley.Channels.Delivery;
using Parley.Channels.WebMessaging;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Data;

/// <summary>
/// The one DbContext. The schema is owned by the SQL migrations in Data/Migrations (one folder per dialect);
/// this mapping only names tables and columns, so it must stay in step with them (a test checks it on both).
/// </summary>
public sealed class ParleyDb(DbContextOptions<ParleyDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Inbox> Inboxes => Set<Inbox>();
    public DbSet<WebWidget> WebWidgets => Set<WebWidget>();
    public DbSet<Connection> Connections => Set<Connection>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();

    /// <summary>The Data Protection key ring, shared by every node (connection secrets are protected with it).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Queue> Queues => Set<Queue>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContactIdentity> ContactIdentities => Set<ContactIdentity>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<SocialPost> SocialPosts => Set<SocialPost>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<Advisor> Advisors => Set<Advisor>();
    public DbSet<AdvisorAccount> AdvisorAccounts => Set<AdvisorAccount>();
    public DbSet<AdvisorQueue> AdvisorQueues => Set<AdvisorQueue>();
    public DbSet<ReportingEvent> ReportingEvents => Set<ReportingEvent>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<Bots.BotFlow> BotFlows => Set<Bots.BotFlow>();
    public DbSet<Bots.BotFlowVersion> BotFlowVersions => Set<Bots.BotFlowVersion>();
    public DbSet<Bots.BotSecret> BotSecrets => Set<Bots.BotSecret>();
    public DbSet<Bots.External.BotEndpoint> BotEndpoints => Set<Bots.External.BotEndpoint>();
    public DbSet<Bots.External.ApiToken> ApiTokens => Set<Bots.External.ApiToken>();
    public DbSet<Bots.External.BotEvent> BotEvents => Set<Bots.External.BotEvent>();

    // Routing (0012_routing.sql): skills, requirements, relaxation, channel weights.
    public DbSet<Skill> Skills => Set<Skill>();
    public DbSet<AdvisorSkill> AdvisorSkills => Set<AdvisorSkill>();
    public DbSet<QueueSkill> QueueSkills => Set<QueueSkill>();
    public DbSet<ConversationSkill> ConversationSkills => Set<ConversationSkill>();
    public DbSet<QueueRelaxation> QueueRelaxations => Set<QueueRelaxation>();
    public DbSet<ChannelWeight> ChannelWeights => Set<ChannelWeight>();

    // Routing's snapshot between passes (Routing/RoutingSnapshotCache.cs, 0025_routing_snapshot.sql): one counter row.
    public DbSet<RoutingVersion> RoutingVersions => Set<RoutingVersion>();

    // Finding conversations (Console/): tags and saved views; the conversation's customer_sentiment is a shadow property.
    public DbSet<Console.ConversationTag> ConversationTags => Set<Console.ConversationTag>();
    public DbSet<Console.SavedView> SavedViews => Set<Console.SavedView>();

    // Working faster (issue 12): teams, favourite replies, internal notes and their mentions (migration 0014).
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<AdvisorTeam> AdvisorTeams => Set<AdvisorTeam>();
    public DbSet<Console.Replies.FavouriteReply> FavouriteReplies => Set<Console.Replies.FavouriteReply>();
    public DbSet<Console.Notes.ConversationNote> ConversationNotes => Set<Console.Notes.ConversationNote>();
    public DbSet<Console.Notes.NoteMention> NoteMentions => Set<Console.Notes.NoteMention>();

    // Supervision (issue 12, Console/Supervision, migration 0018): each queue's service-level target and wait alert.
    public DbSet<Console.Supervision.QueueTarget> QueueTargets => Set<Console.Supervision.QueueTarget>();

    // Help requests (issue 12, Console/Help, migration 0017).
    public DbSet<Console.Help.HelpRequest> HelpRequests => Set<Console.Help.HelpRequest>();

    // The customer's profile (issue 12, Contacts/ContactProfiles, migration 0022): attributes, tags and notes.
    public DbSet<Contacts.ContactAttribute> ContactAttributes => Set<Contacts.ContactAttribute>();
    public DbSet<Contacts.ContactTag> ContactTags => Set<Contacts.ContactTag>();
    public DbSet<Contacts.ContactNote> ContactNotes => Set<Contacts.ContactNote>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every enum is stored by name, every time as UTC (SQLite hands back unspecified kinds).
        configurationBuilder.Properties<Enum>().HaveConversion<string>();
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>().ToTable("accounts");
        modelBuilder.Entity<Inbox>().ToTable("inboxes");
        modelBuilder.Entity<WebWidget>(e =>
        {
            e.ToTable("web_widgets").HasKey(w => w.InboxId);
            e.Property(w => w.InboxId).ValueGeneratedNever();
        });
        modelBuilder.Entity<Connection>().ToTable("connections");
        modelBuilder.Entity<Delivery>(e =>
        {
            e.ToTable("deliveries");
            e.HasOne(d => d.Message).WithMany().HasForeignKey(d => d.MessageId);
        });
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        modelBuilder.Entity<Queue>().ToTable("queues");
        modelBuilder.Entity<Contact>().ToTable("contacts");
        modelBuilder.Entity<ContactIdentity>().ToTable("contact_identities");
        modelBuilder.Entity<Conversation>(e =>
        {
            e.ToTable("conversations");
            e.Property(c => c.Version).IsConcurrencyToken();
            e.Ignore(c => c.IsOpen);
        });
        modelBuilder.Entity<Message>().ToTable("messages");
        modelBuilder.Entity<SocialPost>().ToTable("social_posts");
        modelBuilder.Entity<Attachment>().ToTable("attachments");
        modelBuilder.Entity<Advisor>().ToTable("advisors");
        modelBuilder.Entity<AdvisorAccount>().ToTable("advisor_accounts").HasKey(a => new { a.AdvisorId, a.AccountId });
        modelBuilder.Entity<AdvisorQueue>().ToTable("advisor_queues").HasKey(a => new { a.AdvisorId, a.QueueId });
        modelBuilder.Entity<ReportingEvent>().ToTable("reporting_events");
        modelBuilder.Entity<Setting>().ToTable("settings").HasKey(s => s.Key);
        modelBuilder.Entity<Bots.BotFlow>().ToTable("bot_flows");
        modelBuilder.Entity<Bots.BotFlowVersion>().ToTable("bot_flow_versions");
        modelBuilder.Entity<Bots.BotSecret>().ToTable("bot_secrets");
        modelBuilder.Entity<Bots.External.BotEndpoint>().ToTable("bot_endpoints");
        modelBuilder.Entity<Bots.External.ApiToken>().ToTable("api_tokens");
        modelBuilder.Entity<Bots.External.BotEvent>().ToTable("bot_events");

        // Routing (0012_routing.sql).
        modelBuilder.Entity<Skill>().ToTable("skills");
        modelBuilder.Entity<AdvisorSkill>().ToTable("advisor_skills").HasKey(s => new { s.AdvisorId, s.SkillId });
        modelBuilder.Entity<QueueSkill>().ToTable("queue_skills").HasKey(s => new { s.QueueId, s.SkillId });
        modelBuilder.Entity<ConversationSkill>().ToTable("conversation_skills").HasKey(s => new { s.ConversationId, s.SkillId });
        modelBuilder.Entity<QueueRelaxation>().ToTable("queue_relaxations");
        modelBuilder.Entity<ChannelWeight>().ToTable("channel_weights").HasKey(w => new { w.AccountId, w.Channel });

        // Routing's snapshot between passes (0025_routing_snapshot.sql): the counter its triggers move.
        modelBuilder.Entity<RoutingVersion>().ToTable("routing_version");

        // Finding conversations (Console/ConsoleList.cs, migration 0013_search).
        modelBuilder.Entity<Console.ConversationTag>().ToTable("conversation_tags").HasKey(t => new { t.ConversationId, t.Tag });
        modelBuilder.Entity<Console.SavedView>().ToTable("saved_views");
        modelBuilder.Entity<Conversation>().Property<double?>(Console.ConsoleList.CustomerSentiment);

        // Working faster (issue 12, migration 0014): teams, favourite replies, notes, mentions; snooze is two conversation columns.
        modelBuilder.Entity<Team>().ToTable("teams");
        modelBuilder.Entity<AdvisorTeam>().ToTable("advisor_teams").HasKey(a => new { a.AdvisorId, a.TeamId });
        modelBuilder.Entity<Console.Replies.FavouriteReply>().ToTable("favourite_replies");
        modelBuilder.Entity<Console.Notes.ConversationNote>().ToTable("conversation_notes");
        modelBuilder.Entity<Console.Notes.NoteMention>().ToTable("note_mentions");

        // Supervision (issue 12, migration 0018): a queue's targets, keyed by the queue.
        modelBuilder.Entity<Console.Supervision.QueueTarget>(e =>
        {
            e.ToTable("queue_targets").HasKey(t => t.QueueId);
            e.Property(t => t.QueueId).ValueGeneratedNever();
        });

        // The customer's profile (issue 12, migration 0022).
        modelBuilder.Entity<Contacts.ContactAttribute>().ToTable("contact_attributes").HasKey(a => new { a.ContactId, a.Name });
        modelBuilder.Entity<Contacts.ContactTag>().ToTable("contact_tags").HasKey(t => new { t.ContactId, t.Tag });
        modelBuilder.Entity<Contacts.ContactNote>().ToTable("contact_notes");

        // Help requests (issue 12, Console/Help, migration 0017).
        modelBuilder.Entity<Console.Help.HelpRequest>().ToTable("help_requests");

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    internal static string SnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>A key/value the whole cluster shares (for example the widget token signing key).</summary>
public sealed class Setting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
