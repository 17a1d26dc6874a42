using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots;

public sealed class BotSecretsApiTests
{
    private static string Flow(Uri api) => $$$"""
        name: Keyed
        start: look
        variables: [status]
        steps:
        - id: look
          type: api
          api:
            url: "{{{api}}}status"
            headers: { Authorization: "Bearer {{ secrets.status_key }}" }
            extract: { status: status }
            retries: 0
          on_success: said
          on_failure: sorry
        - { id: said, type: resolve, text: "Status {{ vars.status }}." }
        - { id: sorry, type: handoff, reason: The status service failed. }
        """;

    [Fact]
    public async Task A_secret_set_by_a_channel_manager_reaches_the_api_in_its_header_and_is_never_shown()
    {
        await using var api = await PlatformStandIn.StartAsync();
        api.Respond = r => r.Headers.TryGetValue("Authorization", out var auth) && auth == "Bearer s3cr3t-v@lue" ? StandInResponse.Ok(new { status = "green" }) : new StandInResponse(401, "{}");
        await using var app = new ParleyApplication();
        var manager = await ConsoleLogin.SignedInAsync(app, "chiara@parley.local");
        await Expect.StatusAsync(await manager.PutAsJsonAsync("/api/console/bot-secrets/1/status_key", new { value = "s3cr3t-v@lue" }), HttpStatusCode.OK);
        await FlowsApiTests.PublishAsync(manager, Flow(api.BaseUrl));

        var customer = await WidgetClient.OpenedAsync(app);

        var done = await customer.WaitForAsync(m => m.Status == "resolved", "the answer of the keyed API");
        Assert.Contains(done.Messages, m => m.Text == "Status green.");
        var listed = await manager.GetStringAsync("/api/console/bot-secrets");
        Assert.Contains("status_key", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", await app.DbAsync(db => db.BotSecrets.Select(s => s.Value).SingleAsync()), StringComparison.Ordinal);
        Assert.DoesNotContain(app.LoggedErrors, e => e.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_channel_managers_and_admins_of_the_account_set_secrets_and_bad_names_are_refused()
    {
        await using var app = new ParleyApplication();
        var manager = await ConsoleLogin.SignedInAsync(app, "chiara@parley.local");
        var advisor = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        await Expect.ProblemAsync(await app.CreateClient().PutAsJsonAsync("/api/console/bot-secrets/1/key", new { value = "v" }), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await advisor.PutAsJsonAsync("/api/console/bot-secrets/1/key", new { value = "v" }), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await manager.PutAsJsonAsync("/api/console/bot-secrets/2/key", new { value = "v" }), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await manager.PutAsJsonAsync("/api/console/bot-secrets/1/bad-name", new { value = "v" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await manager.PutAsJsonAsync("/api/console/bot-secrets/1/key", new { value = "" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await manager.DeleteAsync("/api/console/bot-secrets/1/none"), HttpStatusCode.NotFound);

        await Expect.StatusAsync(await manager.PutAsJsonAsync("/api/console/bot-secrets/1/key", new { value = "v" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await manager.DeleteAsync("/api/console/bot-secrets/1/key"), HttpStatusCode.NoContent);
        Assert.Equal(0, (await manager.GetFromJsonAsync<JsonElement>("/api/console/bot-secrets")).GetArrayLength());
    }
}
