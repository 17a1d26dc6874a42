using System.Net;
using Parley.Channels;
using Parley.Channels.X;

namespace Parley.Tests.Channels.X;

public sealed class XSendAnswerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_accepted_dm_gives_its_event_id()
    {
        var result = XSendAnswer.Map(HttpStatusCode.Created, """{"data": {"dm_conversation_id": "1-2", "dm_event_id": "1582838535442305029"}}""", null, null, Now);

        Assert.Equal(SendResult.Sent("1582838535442305029"), result);
        Assert.Equal(SendResult.Sent(null), XSendAnswer.Map(HttpStatusCode.Created, "not json", null, null, Now));
    }

    [Fact]
    public void A_rate_limit_pauses_the_connection_until_xs_reset()
    {
        var reset = Now.AddMinutes(12).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = XSendAnswer.Map(HttpStatusCode.TooManyRequests, """{"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}""", reset, null, Now);

        Assert.Equal((SendOutcome.RetryLater, TimeSpan.FromMinutes(12), true), (result.Outcome, result.RetryAfter, result.ConnectionPaused));
        Assert.Equal("X answered 429: Too Many Requests", result.Error);
        Assert.Equal(TimeSpan.FromSeconds(30), XSendAnswer.Map(HttpStatusCode.TooManyRequests, "", null, "30", Now).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), XSendAnswer.Map(HttpStatusCode.TooManyRequests, "", "1000", null, Now).RetryAfter);
    }

    [Fact]
    public void A_revoked_token_pauses_the_connection_and_a_server_error_is_retried()
    {
        var unauthorized = XSendAnswer.Map(HttpStatusCode.Unauthorized, """{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}""", null, null, Now);
        Assert.Equal((SendOutcome.RetryLater, true), (unauthorized.Outcome, unauthorized.ConnectionPaused));

        var unavailable = XSendAnswer.Map(HttpStatusCode.ServiceUnavailable, "<html>busy</html>", null, null, Now);
        Assert.Equal((SendOutcome.RetryLater, false, "X answered 503: ServiceUnavailable"), (unavailable.Outcome, unavailable.ConnectionPaused, unavailable.Error));
    }

    [Fact]
    public void A_refusal_fails_with_xs_words_in_either_error_format()
    {
        var problem = XSendAnswer.Map(HttpStatusCode.Forbidden,
            """{"detail": "You are not permitted to send Direct Messages to this user.", "title": "Forbidden", "status": 403, "type": "https://api.twitter.com/2/problems/not-authorized-for-resource"}""",
            null, null, Now);
        Assert.Equal(SendResult.Fail("X answered 403: You are not permitted to send Direct Messages to this user."), problem);

        var errors = XSendAnswer.Map(HttpStatusCode.BadRequest,
            """{"errors": [{"message": "The text of your direct message is over the max character limit.", "code": 354}], "title": "Invalid Request"}""", null, null, Now);
        Assert.Equal(SendResult.Fail("X answered 400: The text of your direct message is over the max character limit."), errors);

        Assert.Equal(SendResult.Fail("X answered 404: NotFound"), XSendAnswer.Map(HttpStatusCode.NotFound, "[]", null, null, Now));
    }
}
