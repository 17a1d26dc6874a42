using Parley.Conversations;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppReadMarkTests
{
    [Fact]
    public async Task When_the_advisor_has_read_the_customers_latest_message_shows_read_on_whatsapp()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        await host.PostOkAsync(WhatsAppPayloads.CustomerText("393471234567", "wamid.first", "Ciao"));
        await host.PostOkAsync(WhatsAppPayloads.CustomerText("393471234567", "wamid.second", "human please"));
        var conversation = await host.ConversationOfAsync("393471234567");
        var luca = await host.App.AdvisorAsync("luca@parley.local");
        var actions = host.App.Service<ConversationActions>();
        Assert.True((await actions.TakeOverAsync(luca, conversation.Id, CancellationToken.None)).Ok);

        await actions.AdvisorReadAsync(luca, conversation.Id, long.MaxValue, CancellationToken.None);

        await Expect.UntilAsync(() => Task.FromResult(host.Sends().Any(r => r.Json.TryGetProperty("status", out _))), "the read mark");
        var mark = host.Sends().Single(r => r.Json.TryGetProperty("status", out _)).Json;
        Assert.Equal(("read", "wamid.second"), (mark.GetProperty("status").GetString(), mark.GetProperty("message_id").GetString()));
    }
}
