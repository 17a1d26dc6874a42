using Parley.Bots.Understanding;

namespace Parley.Tests.Bots.Understanding;

public sealed class EntityExtractorTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    private static Entity Single(string text, EntityKind kind) =>
        Assert.Single(EntityExtractor.Extract(text, Today), e => e.Kind == kind);

    [Theory]
    [InlineData("mon colis RR123456785IT est bloqué", "RR123456785IT")]
    [InlineData("tracking: rr 123456785 it", "RR123456785IT")]
    [InlineData("il pacco CP000000005IT", "CP000000005IT")]
    [InlineData("suivi 1234567890123 svp", "1234567890123")]
    [InlineData("codice 123456789012", "123456789012")]
    public void Finds_parcel_numbers(string text, string value)
    {
        Assert.Equal(value, Single(text, EntityKind.ParcelNumber).Value);
    }

    [Fact]
    public void An_S10_number_with_a_wrong_check_digit_is_not_a_parcel()
    {
        // RR123456785IT is right (weighted sum 204, 11 - 204 % 11 = 5); every other check digit is wrong.
        Assert.DoesNotContain(EntityExtractor.Extract("colis RR123456784IT", Today), e => e.Kind == EntityKind.ParcelNumber);
        Assert.True(ParcelNumbersCheck("12345678", 5));
        Assert.False(ParcelNumbersCheck("12345678", 4));
    }

    [Theory]
    [InlineData("where is ORD-123456?", "123456", "ORD-123456")]
    [InlineData("my order 123456 never came", "123456", "order 123456")]
    [InlineData("ma commande n° 987654 est en retard", "987654", "commande n° 987654")]
    [InlineData("l'ordine 55512345 non è arrivato", "55512345", "ordine 55512345")]
    [InlineData("order number: #445566", "445566", "order number: #445566")]
    public void Finds_order_numbers_by_prefix_or_keyword(string text, string value, string written)
    {
        var order = Single(text, EntityKind.OrderNumber);
        Assert.Equal(value, order.Value);
        Assert.Equal(written, order.Text);
        Assert.Equal(written, text.Substring(order.Start, order.Length));
    }

    [Theory]
    [InlineData("livré le 12/03/2026", "2026-03-12")]
    [InlineData("sent on 2026-03-12", "2026-03-12")]
    [InlineData("depuis le 12 mars", "2026-03-12")]
    [InlineData("ordered on 3 March 2025", "2025-03-03")]
    [InlineData("since March 3rd", "2026-03-03")]
    [InlineData("spedito il 5 maggio", "2026-05-05")]
    [InlineData("le 1er février", "2026-02-01")]
    [InlineData("aujourd'hui", "2026-12-02")]
    [InlineData("Today please", "2026-12-02")]
    [InlineData("arrivato oggi", "2026-12-02")]
    [InlineData("envoyé hier", "2026-12-01")]
    [InlineData("yesterday", "2026-12-01")]
    [InlineData("ieri sera", "2026-12-01")]
    public void Finds_dates_as_iso(string text, string value)
    {
        Assert.Equal(value, Single(text, EntityKind.Date).Value);
    }

    [Fact]
    public void Impossible_dates_are_not_dates()
    {
        Assert.DoesNotContain(EntityExtractor.Extract("le 31/02/2026", Today), e => e.Kind == EntityKind.Date);
    }

    [Fact]
    public void Finds_emails_lowercased()
    {
        var email = Single("écrivez à Jean.Dupont+colis@Example.fr merci", EntityKind.Email);
        Assert.Equal("jean.dupont+colis@example.fr", email.Value);
        Assert.Equal("Jean.Dupont+colis@Example.fr", email.Text);
    }

    [Theory]
    [InlineData("appelez-moi au +33 6 12 34 56 78", "+33612345678")]
    [InlineData("mon numéro: 06 12 34 56 78", "+33612345678")]
    [InlineData("tel 06.12.34.56.78", "+33612345678")]
    [InlineData("+33 (0)6 12 34 56 78", "+33612345678")]
    [InlineData("chiamatemi al 333 123 4567", "+393331234567")]
    [InlineData("il mio numero è 0039 333 1234567", "+393331234567")]
    [InlineData("chiamatemi al numero fisso 06 1234 5678", "+390612345678")]
    public void Finds_phone_numbers_as_e164(string text, string value)
    {
        Assert.Equal(value, Single(text, EntityKind.Phone).Value);
    }

    [Theory]
    [InlineData("j'ai payé 12,50 €", "12.50 EUR")]
    [InlineData("charged €12.50 twice", "12.50 EUR")]
    [InlineData("12.50 EUR", "12.50 EUR")]
    [InlineData("ho pagato 30 euro", "30 EUR")]
    [InlineData("remboursez 1 234,56 € !", "1234.56 EUR")]
    [InlineData("it cost $5", "5 USD")]
    public void Finds_amounts_with_their_currency(string text, string value)
    {
        Assert.Equal(value, Single(text, EntityKind.Amount).Value);
    }

    [Fact]
    public void Finds_several_entities_in_order_without_overlaps()
    {
        var entities = EntityExtractor.Extract(
            "Bonjour, colis RR123456785IT commandé le 12/03/2026 (commande 445566), payé 12,50 €, joignable au 06 12 34 56 78 ou a@b.fr",
            Today);

        Assert.Equal(
            [EntityKind.ParcelNumber, EntityKind.Date, EntityKind.OrderNumber, EntityKind.Amount, EntityKind.Phone, EntityKind.Email],
            entities.Select(e => e.Kind));
    }

    [Theory]
    [InlineData("ma commande 123456789012", EntityKind.OrderNumber)]
    [InlineData("écrire à client.0612345678@example.com", EntityKind.Email)]
    [InlineData("livré le 12.03.2026", EntityKind.Date)]
    public void Overlapping_readings_keep_the_more_specific_one(string text, EntityKind kind)
    {
        Assert.Equal(kind, Assert.Single(EntityExtractor.Extract(text, Today)).Kind);
    }

    private static bool ParcelNumbersCheck(string serial, int check) => ParcelNumbers.IsValidS10(serial, check);
}
