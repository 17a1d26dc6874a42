using Parley.Tests.Infrastructure;

namespace Parley.Tests.Simulator;

/// <summary>The whole demo path on a real server: the simulator's webhook, Parley's connector, the bot, the simulated API.</summary>
public sealed class SimulatorRoundTripTests
{
    [Fact]
    public async Task A_customer_writing_on_simulated_Messenger_gets_the_bots_greeting_back_through_the_simulated_Graph_API()
    {
        await using var app = new ParleyApplication();
        app.StartKestrel();
        var sim = new SimulatorClient(new HttpClient { BaseAddress = app.KestrelAddress });
        var psid = await sim.NewCustomerAsync("messenger", "Giulia Rossi");
        await sim.ChatAsync("messenger", psid);

        var sent = await sim.SendAsync("messenger", psid, "Hello");

        Assert.Equal(200, sent.GetProperty("webhookStatus").GetInt32());
        await Expect.UntilAsync(async () => (await sim.BrandMessagesAsync("messenger", psid)).Count > 0, "the bot's greeting at the simulated Graph API");
        var greeting = (await sim.BrandMessagesAsync("messenger", psid))[0];
        Assert.Contains("La Posta virtual assistant", greeting.GetProperty("text").GetString(), StringComparison.Ordinal);
        // The inspector records a call once it is answered, which may be just after the message it carried is shown.
        await Expect.UntilAsync(
            async () => (await sim.InspectorAsync()).Any(e => e.GetProperty("path").GetString()!.EndsWith("/100200300400500/messages", StringComparison.Ordinal)),
            "the Send API call in the simulator's inspector");
    }
}
