using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots.Public;

/// <summary>Who chooses the bot of public messages: channel managers and admins of the connection's account, nobody else.</summary>
public sealed class PublicBotApiTests
{
    private static object Settings(long? queueId = null, string mode = "AutoReply") => new
    {
        mode,
        publicAnswer = "We've answered you in private 📩",
        privateReply = "Hello from La Posta",
        keywords = new[] { " lawyer ", "Lawyer" },
        vipHandles = new[] { "@MayorOfTown" },
        influentialFollowers = 5000,
        queueId,
        priority = 1,
        complaintPriority = 4,
        crisisPriority = 10,
    };

    [Theory, OnSqlite, OnPostgres]
    public async Task Channel_managers_and_admins_of_the_account_choose_it_advisors_and_strangers_cannot(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var connection = await TestConnections.AddAsync(app, ChannelKind.Messenger, "100200300400599");
        var path = $"/api/console/connections/{connection.ConnectionId}/public-bot";
        var manager = await ConsoleLogin.SignedInAsync(app, "chiara@parley.local");
        var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var advisor = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        var defaults = await manager.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("off", defaults.GetProperty("settings").GetProperty("mode").GetString());
        Assert.Equal(3, defaults.GetProperty("queues").GetArrayLength());

        var bank = await app.DbAsync(db => db.Queues.Where(q => q.Name == "Bank").Select(q => q.Id).SingleAsync());
        var saved = await manager.PutAsJsonAsync(path, Settings(bank));
        await Expect.StatusAsync(saved, HttpStatusCode.OK);
        var stored = (await app.Service<ConnectionDirectory>().FindByInboxAsync(connection.InboxId, CancellationToken.None))!.Settings.PublicBot;
        Assert.Equal((Parley.Bots.Public.PublicBotMode.AutoReply, bank, 5000L), (stored.Mode, stored.QueueId, stored.InfluentialFollowers!.Value));
        Assert.Equal(["lawyer"], stored.Keywords);
        Assert.Equal(["MayorOfTown"], stored.VipHandles);
        await Expect.StatusAsync(await admin.PutAsJsonAsync(path, Settings(mode: "Off")), HttpStatusCode.OK);

        await Expect.ProblemAsync(await app.CreateClient().GetAsync(path), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await advisor.GetAsync(path), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await advisor.PutAsJsonAsync(path, Settings()), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await advisor.PutAsJsonAsync("/api/console/posts/1/crisis", new { crisis = true }), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await manager.PutAsJsonAsync(path, Settings(queueId: 999_999)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await manager.PutAsJsonAsync(path, new { mode = "AutoReply", publicAnswer = "" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await manager.GetAsync("/api/console/connections/999999/public-bot"), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await manager.PutAsJsonAsync("/api/console/posts/999999/crisis", new { crisis = true }), HttpStatusCode.NotFound);

        // A connection of another account is not theirs: not found, and not changed.
        var other = await app.DbAsync(async db =>
        {
            var account = new Parley.Accounts.Account { Name = "Other brand", CreatedAt = DateTime.UtcNow };
            db.Accounts.Add(account);
            await db.SaveChangesAsync();
            return account.Id;
        });
        var foreign = await app.Service<ConnectionAdmin>().CreateAsync(
            new ConnectionDraft(ChannelKind.Messenger, other, "Other page", "100200300400988", "t", "s", "v"), declared: false, CancellationToken.None);
        await Expect.ProblemAsync(await manager.PutAsJsonAsync($"/api/console/connections/{foreign.Id}/public-bot", Settings()), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await admin.GetAsync($"/api/console/connections/{foreign.Id}/public-bot"), HttpStatusCode.NotFound);
        Assert.Equal(Parley.Bots.Public.PublicBotMode.Off, (await app.DbAsync(db => db.Connections.AsNoTracking().SingleAsync(c => c.Id == foreign.Id)))
            is var c ? ConnectionSettings.Parse(c.SettingsJson).PublicBot.Mode : default);
    }
}
