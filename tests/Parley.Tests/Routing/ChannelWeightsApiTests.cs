using System.Net;
using System.Net.Http.Json;
using Parley.Channels;
using Parley.Data;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Routing;

/// <summary>/api/console/channel-weights: an account's admins read every channel's weight (1 unless set) and set them.</summary>
public sealed class ChannelWeightsApiTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task An_admin_reads_every_channels_weight_after_setting_one_and_another_brand_reads_none_of_them(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var (otherAccount, _) = await OtherBrandAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        using var otherAdmin = await ConsoleLogin.SignedInAsync(app, "admin@other.example");
        using var supervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");

        var before = await WeightsAsync(admin, $"?accountId={account}");
        Assert.Equal(Enum.GetValues<ChannelKind>(), before.Select(w => w.Channel));
        Assert.All(before, w => Assert.Equal((account, 1), (w.AccountId, w.Units)));

        await Expect.StatusAsync(await admin.PutAsJsonAsync("/api/console/channel-weights", new RoutingAdminApi.Weight(account, ChannelKind.WhatsApp, 3)), HttpStatusCode.OK);
        await Expect.StatusAsync(await admin.PutAsJsonAsync("/api/console/channel-weights", new RoutingAdminApi.Weight(account, ChannelKind.X, 2)), HttpStatusCode.OK);
        await Expect.StatusAsync(await admin.PutAsJsonAsync("/api/console/channel-weights", new RoutingAdminApi.Weight(account, ChannelKind.WhatsApp, 4)), HttpStatusCode.OK);
        await Expect.StatusAsync(await otherAdmin.PutAsJsonAsync("/api/console/channel-weights", new RoutingAdminApi.Weight(otherAccount, ChannelKind.WhatsApp, 9)), HttpStatusCode.OK);

        var after = (await WeightsAsync(admin, $"?accountId={account}")).ToDictionary(w => w.Channel, w => w.Units);
        Assert.Equal(new Dictionary<ChannelKind, int>
        {
            [ChannelKind.WebMessaging] = 1, [ChannelKind.Messenger] = 1, [ChannelKind.Instagram] = 1, [ChannelKind.WhatsApp] = 4, [ChannelKind.X] = 2,
        }, after);
        var all = await WeightsAsync(admin, "");
        Assert.All(all, w => Assert.Equal(account, w.AccountId));
        Assert.Contains(new RoutingAdminApi.Weight(account, ChannelKind.WhatsApp, 4), all);

        // Another brand's admin reads their own weights only; the brand's account is not one of theirs.
        Assert.Equal([otherAccount], (await WeightsAsync(otherAdmin, "")).Select(w => w.AccountId).Distinct());
        Assert.Contains(new RoutingAdminApi.Weight(otherAccount, ChannelKind.WhatsApp, 9), await WeightsAsync(otherAdmin, ""));
        await Expect.ProblemAsync(await otherAdmin.GetAsync($"/api/console/channel-weights?accountId={account}"), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await supervisor.GetAsync($"/api/console/channel-weights?accountId={account}"), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await app.CreateClient().GetAsync("/api/console/channel-weights"), HttpStatusCode.Unauthorized);
        Assert.Empty(app.LoggedErrors);
    }

    private static async Task<List<RoutingAdminApi.Weight>> WeightsAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<List<RoutingAdminApi.Weight>>("/api/console/channel-weights" + query, Json))!;
}
