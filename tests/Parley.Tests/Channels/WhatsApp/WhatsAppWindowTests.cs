using Parley.Channels.WhatsApp;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppWindowTests
{
    [Fact]
    public void The_window_is_open_for_24_hours_after_the_customers_last_message()
    {
        var clock = new TestClock();
        var lastWrote = clock.GetUtcNow().UtcDateTime;

        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        Assert.True(WhatsAppWindow.IsOpen(lastWrote, clock.GetUtcNow().UtcDateTime));
        Assert.Null(WhatsAppWindow.Refusal(lastWrote, clock.GetUtcNow().UtcDateTime));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(WhatsAppWindow.IsOpen(lastWrote, clock.GetUtcNow().UtcDateTime));
        Assert.Equal("Outside WhatsApp's 24-hour window (the customer last wrote 2026-11-25 09:00 UTC): send an approved template.",
            WhatsAppWindow.Refusal(lastWrote, clock.GetUtcNow().UtcDateTime));
    }

    [Fact]
    public void Without_a_message_from_the_customer_the_window_is_closed()
    {
        var now = new TestClock().GetUtcNow().UtcDateTime;

        Assert.False(WhatsAppWindow.IsOpen(null, now));
        Assert.Equal("Outside WhatsApp's 24-hour window (the customer has not written on WhatsApp yet): send an approved template.", WhatsAppWindow.Refusal(null, now));
    }
}
