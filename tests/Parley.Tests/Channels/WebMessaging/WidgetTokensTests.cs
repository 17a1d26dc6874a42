using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Parley.Channels.WebMessaging;

namespace Parley.Tests.Channels.WebMessaging;

public sealed class WidgetTokensTests
{
    private static readonly byte[] Key1 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Key2 = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly WidgetTokens _tokens = new(new Dictionary<int, byte[]> { [1] = Key1 }, 1);

    [Fact]
    public void An_issued_token_validates_to_its_claims_until_it_expires()
    {
        var (token, expiresAt) = _tokens.Issue(TokenPurpose.Session, 3, "c42", Now, Hour);

        Assert.Equal(Now + Hour, expiresAt);
        var claims = _tokens.Validate(token, TokenPurpose.Session, Now.AddMinutes(59));
        Assert.Equal(new WidgetClaims(3, "c42", Now, Now + Hour), claims);
        Assert.Equal(42, claims!.ContactId);
        Assert.Null(_tokens.Validate(token, TokenPurpose.Session, Now + Hour));
    }

    [Fact]
    public void A_guest_token_names_its_guest_and_no_contact()
    {
        var (token, _) = _tokens.Issue(TokenPurpose.Session, 3, WidgetClaims.GuestSubject("0123456789abcdef"), Now, Hour);
        var claims = _tokens.Validate(token, TokenPurpose.Session, Now)!;

        Assert.Equal(("0123456789abcdef", (long?)null), (claims.GuestId, claims.ContactId));
    }

    [Fact]
    public void Each_purpose_is_good_for_nothing_else()
    {
        var (session, _) = _tokens.Issue(TokenPurpose.Session, 3, "c42", Now, Hour);
        var (refresh, _) = _tokens.Issue(TokenPurpose.Refresh, 3, "c42", Now, Hour);
        var (ticket, ticketExpires) = _tokens.IssueStreamTicket(new WidgetClaims(3, "c42", Now, Now + Hour), Now);

        Assert.Equal(Now + WidgetTokens.StreamTicketLifetime, ticketExpires);
        Assert.NotNull(_tokens.Validate(ticket, TokenPurpose.Stream, ticketExpires.AddSeconds(-1)));
        Assert.Null(_tokens.Validate(ticket, TokenPurpose.Stream, ticketExpires));
        Assert.Null(_tokens.Validate(ticket, TokenPurpose.Session, Now));
        Assert.Null(_tokens.Validate(refresh, TokenPurpose.Session, Now));
        Assert.Null(_tokens.Validate(session, TokenPurpose.Refresh, Now));
        Assert.Null(_tokens.Validate(session, TokenPurpose.Stream, Now));
    }

    [Fact]
    public void After_a_rotation_the_new_key_signs_and_tokens_of_the_old_one_still_validate_until_it_is_retired()
    {
        var (old, _) = _tokens.Issue(TokenPurpose.Session, 3, "c42", Now, Hour);
        var rotated = new WidgetTokens(new Dictionary<int, byte[]> { [1] = Key1, [2] = Key2 }, 2);
        var retired = new WidgetTokens(new Dictionary<int, byte[]> { [2] = Key2 }, 2);
        var (fresh, _) = rotated.Issue(TokenPurpose.Session, 3, "c42", Now, Hour);

        Assert.Equal(2, WidgetTokens.KeyIdOf(fresh));
        Assert.NotNull(rotated.Validate(old, TokenPurpose.Session, Now));
        Assert.NotNull(rotated.Validate(fresh, TokenPurpose.Session, Now));
        Assert.Null(_tokens.Validate(fresh, TokenPurpose.Session, Now)); // a node that does not know key 2 yet
        Assert.Null(retired.Validate(old, TokenPurpose.Session, Now));
        Assert.NotNull(retired.Validate(fresh, TokenPurpose.Session, Now));
    }

    [Fact]
    public void A_token_claiming_another_key_id_does_not_validate_with_this_key()
    {
        var (token, _) = _tokens.Issue(TokenPurpose.Session, 3, "c42", Now, Hour);
        var payload = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal))));
        var relabelled = $"{Base64Url.EncodeToString(Encoding.ASCII.GetBytes("2" + payload[1..]))}{token[token.IndexOf('.', StringComparison.Ordinal)..]}";
        var ring = new WidgetTokens(new Dictionary<int, byte[]> { [1] = Key1, [2] = Key2 }, 2);

        Assert.Null(ring.Validate(relabelled, TokenPurpose.Session, Now));
    }

    [Fact]
    public void Moving_the_expiry_or_the_subject_breaks_the_signature()
    {
        var (token, _) = _tokens.Issue(TokenPurpose.Session, 3, "c42", Now, Hour);
        var signature = token[(token.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var issued = Now.ToUnixTimeSeconds();
        string Forge(string payload) => $"{Base64Url.EncodeToString(Encoding.ASCII.GetBytes(payload))}.{signature}";

        Assert.NotNull(_tokens.Validate(Forge($"1.s.3.c42.{issued}.{issued + 3600}"), TokenPurpose.Session, Now)); // the genuine payload
        Assert.Null(_tokens.Validate(Forge($"1.s.3.c42.{issued}.{issued + 999_999}"), TokenPurpose.Session, Now));
        Assert.Null(_tokens.Validate(Forge($"1.s.3.c43.{issued}.{issued + 3600}"), TokenPurpose.Session, Now));
    }

    [Fact]
    public void Flipping_one_signature_character_is_rejected()
    {
        var (token, _) = _tokens.Issue(TokenPurpose.Session, 3, "c42", Now, Hour);
        var last = token[^1] == 'A' ? 'B' : 'A';

        Assert.NotNull(_tokens.Validate(token, TokenPurpose.Session, Now));
        Assert.Null(_tokens.Validate(token[..^1] + last, TokenPurpose.Session, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData(".abc")]
    [InlineData("!!!.###")]
    public void Malformed_tokens_are_rejected_without_throwing(string? token)
    {
        Assert.Null(_tokens.Validate(token, TokenPurpose.Session, Now));
        Assert.Null(WidgetTokens.KeyIdOf(token));
    }

    [Fact]
    public void Overlong_tokens_are_rejected_even_when_correctly_signed()
    {
        var (longToken, _) = _tokens.Issue(TokenPurpose.Session, 3, WidgetClaims.GuestSubject(new string('a', 300)), Now, Hour);
        var (shortToken, _) = _tokens.Issue(TokenPurpose.Session, 3, WidgetClaims.GuestSubject(new string('a', 64)), Now, Hour);

        Assert.True(longToken.Length > WidgetTokens.MaxLength);
        Assert.NotNull(_tokens.Validate(shortToken, TokenPurpose.Session, Now));
        Assert.Null(_tokens.Validate(longToken, TokenPurpose.Session, Now));
    }

    [Fact]
    public void A_correctly_signed_payload_of_the_wrong_shape_is_rejected()
    {
        foreach (var text in new[] { "1.s.3.42", "1.x.3.c42.1.2", "1.s.3..1.2", "1.s.three.c42.1.2" })
        {
            var payload = Encoding.ASCII.GetBytes(text);
            var forged = $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(Key1, payload))}";
            Assert.Null(_tokens.Validate(forged, TokenPurpose.Session, DateTimeOffset.FromUnixTimeSeconds(0)));
        }
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

    [Fact]
    public void A_profile_hash_covers_the_user_id_the_name_and_the_email()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("alice\nAlice\nalice@example.com")));
        var hash = IdentityVerification.SignProfile(Secret, "alice", "Alice", "alice@example.com");

        Assert.Equal(expected, hash);
        Assert.True(IdentityVerification.IsValidProfile(Secret, "alice", "Alice", "alice@example.com", hash));
        Assert.False(IdentityVerification.IsValidProfile(Secret, "alice", "Alice", "attacker@evil.example", hash));
        Assert.False(IdentityVerification.IsValidProfile(Secret, "alice", "<img src=x>", "alice@example.com", hash));
        Assert.False(IdentityVerification.IsValidProfile(Secret, "alice", "Alice", "alice@example.com", IdentityVerification.Sign(Secret, "alice")));
    }
}
