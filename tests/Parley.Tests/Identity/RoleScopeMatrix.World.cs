using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.WebMessaging;
using Parley.Conversations;
using Parley.Identity;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>Who calls in the matrix: the brand's four roles, another brand's advisor and admin, nobody.</summary>
public enum Caller
{
    Anonymous,
    Advisor,
    Supervisor,
    ChannelManager,
    Admin,
    OtherAdvisor,
    OtherAdmin,
}

/// <summary>
/// The brand's objects the matrix acts on (La Posta, the demo brand), made once per database, and the signed-in clients of
/// every caller. Objects an allowed caller consumes (a deleted team, a merged contact) are made fresh for each call.
/// </summary>
public sealed class MatrixWorld
{
    /// <summary>Every object of the brand carries it in its name, so an outsider's list can be checked for a leak.</summary>
    public const string Marker = "Matrixbrand";

    private readonly Dictionary<Caller, HttpClient> _clients = [];
    private int _fresh;

    private MatrixWorld(ParleyApplication app) => App = app;

    public ParleyApplication App { get; }
    public long AccountId { get; private set; }
    public long OtherAccountId { get; private set; }
    public long QueueId { get; private set; }
    public long ConversationId { get; private set; }
    public long ContactId { get; private set; }
    public long TeamId { get; private set; }
    public long ViewId { get; private set; }
    public long ReplyId { get; private set; }
    public long SkillId { get; private set; }
    public long ConnectionId { get; private set; }
    public long PostId { get; private set; }
    public long FlowId { get; private set; }
    public long MentionId { get; private set; }
    public long MarieId { get; private set; }
    public string FlowDraft { get; private set; } = "";
    public long LucaId { get; private set; }

    public HttpClient Client(Caller caller) => _clients[caller];

    public Task<AdvisorSession> SessionAsync(Caller caller) => TeamsSetup.SessionAsync(App, Email(caller));

    public static async Task<MatrixWorld> CreateAsync(ParleyApplication app)
    {
        var world = new MatrixWorld(app);
        await world.SeedAsync();
        return world;
    }

    private async Task SeedAsync()
    {
        AccountId = await TeamsSetup.DemoAccountAsync(App);
        QueueId = await App.DbAsync(db => db.Queues.Where(q => q.AccountId == AccountId).OrderBy(q => q.Id).Select(q => q.Id).FirstAsync());
        MarieId = await AdvisorIdAsync("marie@parley.local");
        LucaId = await AdvisorIdAsync("luca@parley.local");
        (OtherAccountId, _) = await TeamsSetup.OtherBrandAsync(App);
        await OtherAdvisorAsync();

        _clients[Caller.Anonymous] = App.CreateClient();
        foreach (var caller in Enum.GetValues<Caller>().Where(c => c != Caller.Anonymous))
        {
            _clients[caller] = await ConsoleLogin.SignedInAsync(App, Email(caller));
        }

        ConversationId = await ConversationAsync();
        ContactId = await App.ContactOfAsync(ConversationId);
        await App.DbAsync(db => db.Contacts.Where(c => c.Id == ContactId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Name, Marker + " customer")));
        TeamId = await TeamsSetup.TeamAsync(App, AccountId, Marker + " team", await SessionAsync(Caller.Advisor));
        ViewId = await NewViewAsync();
        ReplyId = await NewReplyAsync();
        SkillId = await CreatedIdAsync(Caller.Admin, "/api/console/skills", new { accountId = AccountId, name = Marker + " skill", kind = "topic" });
        var connection = await TestConnections.AddAsync(App, ChannelKind.Messenger, "100200300400111");
        ConnectionId = connection.ConnectionId;
        PostId = await App.DbAsync(async db =>
        {
            var now = App.Clock.GetUtcNow().UtcDateTime;
            var post = new SocialPost { AccountId = AccountId, InboxId = connection.InboxId, PlatformPostId = "100200300400111_1", Text = Marker + " post", CreatedAt = now, UpdatedAt = now };
            db.SocialPosts.Add(post);
            await db.SaveChangesAsync();
            return post.Id;
        });
        FlowId = await FlowAsync();
        await NewSecretAsync();
        var note = await Client(Caller.Supervisor).PostAsJsonAsync($"/api/console/conversations/{ConversationId}/notes", new { body = "@Marie look at this " + Marker });
        await Expect.StatusAsync(note, System.Net.HttpStatusCode.Created);
        MentionId = await App.DbAsync(db => db.NoteMentions.Where(m => m.AdvisorId == MarieId).Select(m => m.Id).SingleAsync());
    }

    private static string Email(Caller caller) => caller switch
    {
        Caller.Advisor => "marie@parley.local",
        Caller.Supervisor => "supervisor@parley.local",
        Caller.ChannelManager => "chiara@parley.local",
        Caller.Admin => "admin@parley.local",
        Caller.OtherAdvisor => "advisor@other.example",
        Caller.OtherAdmin => "admin@other.example",
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    /// <summary>A website conversation of the brand, taken by Luca: none of the callers is its assignee.</summary>
    public async Task<long> ConversationAsync()
    {
        var customer = await App.GuestAsync();
        var id = (await customer.OpenAsync()).ConversationId;
        var luca = await TeamsSetup.SessionAsync(App, "luca@parley.local");
        Assert.True((await App.Service<ConversationActions>().TakeOverAsync(luca, id, CancellationToken.None)).Ok);
        return id;
    }

    /// <summary>An open help request that Luca asked on a fresh conversation of his.</summary>
    public async Task<long> NewHelpRequestAsync()
    {
        var conversation = await ConversationAsync();
        var luca = await TeamsSetup.SessionAsync(App, "luca@parley.local");
        var asked = await App.Service<Parley.Console.Help.HelpRequests>().AskAsync(luca, conversation, "Help " + Marker, CancellationToken.None);
        return asked.Request!.Id;
    }

    /// <summary>A name no other object of the matrix has.</summary>
    public string Fresh(string what) => $"{Marker} {what} {Next()}";

    public int Next() => ++_fresh;

    /// <summary>A note about the brand's contact, written by the supervisor.</summary>
    public Task<long> NewContactNoteAsync() => CreatedIdAsync(Caller.Supervisor, $"/api/console/contacts/{ContactId}/notes", new { text = "Note " + Marker });

    public Task<long> NewTeamAsync() => TeamsSetup.TeamAsync(App, AccountId, Fresh("team"));

    public Task<long> NewViewAsync() =>
        CreatedIdAsync(Caller.Supervisor, "/api/console/views", new { name = Fresh("view"), query = "status=open", accountId = AccountId });

    public Task<long> NewReplyAsync() => CreatedIdAsync(Caller.Supervisor, "/api/console/favourite-replies", new
    {
        scope = "account", accountId = AccountId, title = Fresh("reply"), shortcut = $"matrix{Next()}", body = "Hello {{ contact.first_name }}",
    });

    public Task<long> NewTokenAsync() => CreatedIdAsync(Caller.Admin, "/api/console/api-tokens", new { accountId = AccountId, name = Fresh("token") });

    /// <summary>Set by <see cref="NewContactPairAsync"/>: the contact to link with the one it returned.</summary>
    public long PartnerId { get; private set; }

    /// <summary>Two new contacts of the brand, to link: returns one, the other is <see cref="PartnerId"/>.</summary>
    public async Task<long> NewContactPairAsync()
    {
        PartnerId = await NewContactAsync();
        return await NewContactAsync();
    }

    private async Task<long> NewContactAsync()
    {
        var customer = await App.GuestAsync();
        return await App.ContactOfAsync((await customer.OpenAsync()).ConversationId);
    }

    /// <summary>An advisor of the brand only, for an admin to change (changing Marie would end her sessions).</summary>
    public Task<long> NewAdvisorAsync() => App.DbAsync(async db =>
    {
        var now = App.Clock.GetUtcNow().UtcDateTime;
        var advisor = new Advisor { Email = $"fresh{Next()}@matrix.example", DisplayName = Fresh("advisor"), PasswordHash = "", PresenceChangedAt = now, CreatedAt = now };
        db.Advisors.Add(advisor);
        await db.SaveChangesAsync();
        db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = advisor.Id, AccountId = AccountId });
        await db.SaveChangesAsync();
        return advisor.Id;
    });

    /// <summary>An empty queue of the brand.</summary>
    public Task<long> NewQueueAsync() => App.DbAsync(async db =>
    {
        var queue = new Parley.Routing.Queue { AccountId = AccountId, Name = Fresh("queue") };
        db.Queues.Add(queue);
        await db.SaveChangesAsync();
        return queue.Id;
    });

    /// <summary>A bot secret of the brand, set by its admin.</summary>
    public async Task<string> NewSecretAsync()
    {
        var name = $"{Marker}_{Next()}";
        await Expect.StatusAsync(await Client(Caller.Admin).PutAsJsonAsync($"/api/console/bot-secrets/{AccountId}/{name}", new { value = "v" }), System.Net.HttpStatusCode.OK);
        return name;
    }

    /// <summary>An older signing key of the widget (the ring is rotated, so the one that was current can be retired).</summary>
    public async Task<int> OlderWidgetKeyAsync()
    {
        var ring = App.Service<WidgetKeyRing>();
        await ring.RotateAsync(CancellationToken.None);
        return (await ring.ListAsync(CancellationToken.None)).First(k => !k.Current).Id;
    }

    private async Task<long> FlowAsync()
    {
        var created = await CreatedAsync(Caller.Admin, "/api/console/flows", new { accountId = AccountId, name = Marker + " flow" });
        FlowDraft = created.GetProperty("draft").GetString()!;
        var id = created.GetProperty("flow").GetProperty("id").GetInt64();
        await Expect.StatusAsync(await Client(Caller.Admin).PostAsJsonAsync($"/api/console/flows/{id}/publish", new { note = "first" }), System.Net.HttpStatusCode.OK);
        return id;
    }

    private async Task<long> CreatedIdAsync(Caller caller, string path, object body) =>
        (await CreatedAsync(caller, path, body)).GetProperty("id").GetInt64();

    private async Task<JsonElement> CreatedAsync(Caller caller, string path, object body)
    {
        var response = await Client(caller).PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private Task<long> AdvisorIdAsync(string email) => App.DbAsync(db => db.Advisors.Where(a => a.Email == email).Select(a => a.Id).FirstAsync());

    /// <summary>An advisor of the other brand only, who signs in with the test password.</summary>
    private Task<int> OtherAdvisorAsync() => App.DbAsync(async db =>
    {
        var now = App.Clock.GetUtcNow().UtcDateTime;
        var advisor = new Advisor
        {
            Email = "advisor@other.example", DisplayName = "Oscar Other", PasswordHash = "", Role = AdvisorRole.Advisor, PresenceChangedAt = now, CreatedAt = now,
        };
        advisor.PasswordHash = App.Service<IPasswordHasher<Advisor>>().HashPassword(advisor, ParleyApplication.Password);
        db.Advisors.Add(advisor);
        await db.SaveChangesAsync();
        db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = advisor.Id, AccountId = OtherAccountId });
        await db.SaveChangesAsync();
        return 0;
    });
}
