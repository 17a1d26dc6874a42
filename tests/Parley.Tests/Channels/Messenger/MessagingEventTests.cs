using System.Text.Json;
using Parley.Channels.Meta;

namespace Parley.Tests.Channels.Messenger;

/// <summary>
/// A webhook is answered after its events are checked with <see cref="MessagingEvent.CustomerOf"/>, and they are stored
/// later, read in full with <see cref="MessagingEvent.Parse"/>: an event the answer accepted must be one that storing
/// reads, or an answered webhook could not be stored.
/// </summary>
public sealed class MessagingEventTests
{
    private static readonly string[] Valid =
    [
        """{"sender":{"id":"7001"},"recipient":{"id":"page-1"},"timestamp":1764669600000,"message":{"mid":"m-1","text":"Where is my parcel?"}}""",
        """{"sender":{"id":"page-1"},"recipient":{"id":"7001"},"timestamp":1764669600000,"message":{"mid":"m-2","is_echo":true,"text":"Sent from the inbox"}}""",
        """{"sender":{"id":"7001"},"recipient":{"id":"page-1"},"timestamp":1764669600000,"message":{"mid":123,"text":"Parcels","quick_reply":{"payload":"parcels"}}}""",
        """{"sender":{"id":"7001"},"recipient":{"id":"page-1"},"timestamp":1764669600000,"message":{"mid":"m-3","attachments":[{"type":"image","payload":{"url":"https://cdn.example/a.jpg"}}]}}""",
        """{"sender":{"id":"7001"},"recipient":{"id":"page-1"},"timestamp":1764669600000,"postback":{"title":"Bank","payload":"bank","mid":"m-4"}}""",
        """{"sender":{"id":"7001"},"recipient":{"id":"page-1"},"timestamp":1764669600000,"delivery":{"mids":["m-9"],"watermark":1764669600000}}""",
        """{"sender":{"id":"7001"},"recipient":{"id":"page-1"},"timestamp":1764669600000,"read":{"watermark":1764669600000}}""",
        """{"sender":{"id":"7001"},"recipient":{"id":"page-1"},"timestamp":1764669600000,"referral":{"ref":"ad-7","source":"ADS","type":"OPEN_THREAD"}}""",
    ];

    [Fact]
    public void The_answers_check_names_the_customer_that_storing_reads_and_refuses_what_storing_would_refuse()
    {
        Assert.Equal("7001", MessagingEvent.CustomerOf(Parse(Valid[0])));
        Assert.Equal("7001", MessagingEvent.CustomerOf(Parse(Valid[1]))); // an echo is about its recipient
        Assert.Throws<MetaPayloadException>(() => MessagingEvent.CustomerOf(Parse("""{"sender":{"id":"7001"},"recipient":{"id":"p"},"timestamp":1764669600000,"message":{"text":"no mid"}}""")));

        var random = new Random(20261206);
        var (accepted, refused) = (0, 0);
        for (var i = 0; i < 4000; i++)
        {
            var text = Fuzz.Mutate(Valid[i % Valid.Length], random);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
                continue; // refused before any event is read
            }

            using (document)
            {
                var full = Outcome(() => MessagingEvent.Parse(document.RootElement).CustomerId);
                var check = Outcome(() => MessagingEvent.CustomerOf(document.RootElement));
                Assert.True(full == check, $"{text}\nParse: {full}\nCustomerOf: {check}");
                _ = full.StartsWith("refused", StringComparison.Ordinal) ? refused++ : accepted++;
            }
        }

        // Both sides of the line were tried many times.
        Assert.True(accepted > 500 && refused > 500, $"{accepted} accepted, {refused} refused");
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static string Outcome(Func<string> read)
    {
        try
        {
            return $"customer {read()}";
        }
        catch (MetaPayloadException e)
        {
            return $"refused: {e.Message}";
        }
    }
}
