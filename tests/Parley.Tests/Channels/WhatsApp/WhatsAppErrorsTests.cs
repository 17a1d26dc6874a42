using Parley.Channels;
using Parley.Channels.WhatsApp;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppErrorsTests
{
    private static string Error(int code, string message = "Error", string? details = "Details") =>
        $$$"""{"error":{"message":"{{{message}}}","type":"OAuthException","code":{{{code}}},"error_data":{"messaging_product":"whatsapp","details":"{{{details}}}"},"fbtrace_id":"Az8or2yhqkZfEZ"}}""";

    [Fact]
    public void An_accepted_message_is_sent_with_its_wamid()
    {
        var result = WhatsAppErrors.FromResponse(200,
            """{"messaging_product":"whatsapp","contacts":[{"input":"393331234567","wa_id":"393331234567"}],"messages":[{"id":"wamid.HBgLMzkzMzMxMjM0NTY3FQIAERgSQTk="}]}""", null);

        Assert.Equal((SendOutcome.Sent, "wamid.HBgLMzkzMzMxMjM0NTY3FQIAERgSQTk="), (result.Outcome, result.ProviderMessageId));
    }

    [Theory]
    [InlineData(400, 130429, SendOutcome.RetryLater, true)]
    [InlineData(400, 4, SendOutcome.RetryLater, true)]
    [InlineData(400, 80007, SendOutcome.RetryLater, true)]
    [InlineData(429, 131056, SendOutcome.RetryLater, false)]
    [InlineData(400, 131056, SendOutcome.RetryLater, false)]
    [InlineData(401, 190, SendOutcome.RetryLater, true)]
    [InlineData(500, 1, SendOutcome.RetryLater, false)]
    [InlineData(503, 2, SendOutcome.RetryLater, false)]
    [InlineData(500, 131000, SendOutcome.RetryLater, false)]
    [InlineData(503, 131016, SendOutcome.RetryLater, false)]
    [InlineData(429, 999999, SendOutcome.RetryLater, true)]
    [InlineData(502, 999999, SendOutcome.RetryLater, false)]
    [InlineData(400, 131047, SendOutcome.Failed, false)]
    [InlineData(400, 131026, SendOutcome.Failed, false)]
    [InlineData(400, 131051, SendOutcome.Failed, false)]
    [InlineData(400, 100, SendOutcome.Failed, false)]
    [InlineData(400, 132000, SendOutcome.Failed, false)]
    [InlineData(404, 132001, SendOutcome.Failed, false)]
    public void Errors_are_retried_paused_or_failed_by_their_code(int status, int code, SendOutcome outcome, bool paused)
    {
        var result = WhatsAppErrors.FromResponse(status, Error(code), null);

        Assert.Equal((outcome, paused), (result.Outcome, result.ConnectionPaused));
    }

    [Fact]
    public void A_failure_carries_the_code_the_message_and_the_details()
    {
        var result = WhatsAppErrors.FromResponse(400, Error(131047, "Re-engagement message", "More than 24 hours have passed since the customer last replied."), null);

        Assert.Equal("131047: Re-engagement message (More than 24 hours have passed since the customer last replied.)", result.Error);
    }

    [Fact]
    public void Retry_after_is_passed_on()
    {
        var result = WhatsAppErrors.FromResponse(429, Error(130429), TimeSpan.FromSeconds(90));

        Assert.Equal((SendOutcome.RetryLater, TimeSpan.FromSeconds(90), true), (result.Outcome, result.RetryAfter, result.ConnectionPaused));
    }

    [Theory]
    [InlineData(502, SendOutcome.RetryLater)]
    [InlineData(401, SendOutcome.RetryLater)]
    [InlineData(404, SendOutcome.Failed)]
    public void An_answer_that_is_not_json_is_judged_by_its_status(int status, SendOutcome outcome)
    {
        var result = WhatsAppErrors.FromResponse(status, "<html>Bad gateway</html>", null);

        Assert.Equal((outcome, $"HTTP {status}"), (result.Outcome, result.Error));
    }
}
