using System.Buffers.Text;
using System.Text;
using Parley.Channels.WebMessaging;

namespace Parley.Tests.Channels.WebMessaging;

public sealed class WidgetTokensTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly WidgetTokens _tokens = new(Key);

    [Fact]
    public void An_issued_token_validates_to_its_caller()
    {
        var token = _tokens.Issue(new WidgetCaller(3, 42));

        Assert.Equal(new WidgetCaller(3, 42), _tokens.Validate(token));
    }

    [Fact]
    public void A_stream_ticket_opens_the_stream_for_its_caller_for_one_minute_and_is_no_session_token()
    {
        var now = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var (ticket, expiresAt) = _tokens.IssueStreamTicket(new WidgetCaller(3, 42), now);

        Assert.Equal(now + WidgetTokens.StreamTicketLifetime, expiresAt);
        Assert.Equal(new WidgetCaller(3, 42), _tokens.ValidateStreamTicket(ticket, now));
        Assert.Equal(new WidgetCaller(3, 42), _tokens.ValidateStreamTicket(ticket, expiresAt.AddSeconds(-1)));
        Assert.Null(_tokens.ValidateStreamTicket(ticket, expiresAt));
        Assert.Null(_tokens.Validate(ticket));
        Assert.Null(_tokens.ValidateStreamTicket(_tokens.Issue(new WidgetCaller(3, 42)), now));
    }

    [Fact]
    public void Moving_a_stream_tickets_expiry_breaks_the_signature()
    {
        var now = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var (ticket, expiresAt) = _tokens.IssueStreamTicket(new WidgetCaller(3, 42), now);
        var signature = ticket[(ticket.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var later = expiresAt.AddHours(1).ToUnixTimeSeconds();
        var forged = $"{Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"3.42.events.{later}"))}.{signature}";

        Assert.Null(_tokens.ValidateStreamTicket(forged, now));
    }

    [Fact]
    public void A_token_signed_with_another_key_is_rejected()
    {
        var other = new WidgetTokens(Enumerable.Repeat((byte)7, 32).ToArray());

        Assert.Null(_tokens.Validate(other.Issue(new WidgetCaller(3, 42))));
    }

    [Fact]
    public void Changing_the_contact_in_the_payload_breaks_the_signature()
    {
        var token = _tokens.Issue(new WidgetCaller(3, 42));
        var signature = token[(token.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var forged = $"{Base64Url.EncodeToString(Encoding.ASCII.GetBytes("3.43"))}.{signature}";

        Assert.Null(_tokens.Validate(forged));
    }

    [Fact]
    public void Flipping_one_signature_character_is_rejected()
    {
        var token = _tokens.Issue(new WidgetCaller(3, 42));
        var last = token[^1] == 'A' ? 'B' : 'A';

        Assert.Null(_tokens.Validate(token[..^1] + last));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData(".abc")]
    [InlineData("!!!.###")]
    public void Malformed_tokens_are_rejected_without_throwing(string? token)
    {
        Assert.Null(_tokens.Validate(token));
    }

    [Fact]
    public void Overlong_tokens_are_rejected()
    {
        Assert.Null(_tokens.Validate(new string('a', 100) + "." + new string('b', 101)));
    }

    [Fact]
    public void A_correctly_signed_payload_that_is_not_two_numbers_is_rejected()
    {
        var payload = Encoding.ASCII.GetBytes("3.42.1");
        var forged = $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(Key, payload))}";

        Assert.Null(_tokens.Validate(forged));
    }
}

public sealed class IdentityVerificationTests
{
    private const string Secret = "site-secret";

    [Fact]
    public void The_hash_is_the_lowercase_hex_hmac_sha256_of_the_user_id()
    {
        // Computed independently: printf alice | openssl dgst -sha256 -hmac site-secret
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("alice")));

        Assert.Equal(expected, IdentityVerification.Sign(Secret, "alice"));
        Assert.Equal(64, expected.Length);
    }

    [Fact]
    public void A_signed_user_id_is_valid_in_either_hex_case()
    {
        var hash = IdentityVerification.Sign(Secret, "alice");

        Assert.True(IdentityVerification.IsValid(Secret, "alice", hash));
        Assert.True(IdentityVerification.IsValid(Secret, "alice", hash.ToUpperInvariant()));
    }

    [Fact]
    public void Another_users_hash_or_another_secret_is_rejected()
    {
        Assert.False(IdentityVerification.IsValid(Secret, "mallory", IdentityVerification.Sign(Secret, "alice")));
        Assert.False(IdentityVerification.IsValid(Secret, "alice", IdentityVerification.Sign("other-secret", "alice")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcd")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void Missing_short_or_non_hex_hashes_are_rejected(string? hash)
    {
        Assert.False(IdentityVerification.IsValid(Secret, "alice", hash));
    }
}
