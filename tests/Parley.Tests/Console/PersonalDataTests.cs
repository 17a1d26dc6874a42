using Parley.Console;

namespace Parley.Tests.Console;

public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("Write to ann.lee@example.com please", "an email address")]
    [InlineData("Call us back on +39 06 1234 5678", "a phone number")]
    [InlineData("Your parcel RR123456785IT left Rome", "a parcel number")]
    [InlineData("Refund to IT60 X054 2811 1010 0000 0123 456", "an IBAN")]
    public void What_looks_like_personal_data_is_named(string text, string what) =>
        Assert.Contains(what, PersonalData.Find(text));

    [Fact]
    public void A_long_account_number_warns_whatever_it_is_read_as() =>
        Assert.NotEmpty(PersonalData.Find("Account 1234567890123 is credited"));

    [Theory]
    [InlineData("We are looking into it, sorry for the wait!")]
    [InlineData("Our offices open at 9 on Monday 3 March.")]
    [InlineData("IT60 X054 2811 1010 0000 0123 457 is not an IBAN")]
    public void Ordinary_replies_pass(string text) =>
        Assert.DoesNotContain(PersonalData.Find(text), w => w is "an email address" or "a phone number" or "a parcel number" or "an IBAN");
}
