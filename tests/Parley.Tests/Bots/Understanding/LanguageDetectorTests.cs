using Parley.Bots.Understanding;

namespace Parley.Tests.Bots.Understanding;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("bonjour", "fr")]
    [InlineData("ciao", "it")]
    [InlineData("hello", "en")]
    [InlineData("mon colis est bloqué", "fr")]
    [InlineData("Mon colis est BLOQUE depuis une semaine", "fr")]
    [InlineData("where is my parcel?", "en")]
    [InlineData("I want to speak to someone", "en")]
    [InlineData("dov'è il mio pacco?", "it")]
    [InlineData("la spedizione non è ancora arrivata", "it")]
    [InlineData("la livraison n'est toujours pas arrivée", "fr")]
    [InlineData("vorrei parlare con un operatore", "it")]
    [InlineData("grazie mille", "it")]
    [InlineData("merci beaucoup", "fr")]
    [InlineData("salut", "fr")]
    [InlineData("thanks", "en")]
    [InlineData("grazie", "it")]
    [InlineData("Buongiorno, il mio pacco è fermo da una settimana", "it")]
    [InlineData("Hi, my parcel hasn't arrived yet", "en")]
    [InlineData("Bonsoir, je n'ai toujours rien reçu", "fr")]
    public void Detects_the_language_of_short_customer_messages(string text, string expected)
    {
        Assert.Equal(expected, LanguageDetector.Detect(text).Language);
    }

    [Fact]
    public void A_clear_sentence_is_confident_and_a_text_without_words_is_not()
    {
        Assert.True(LanguageDetector.Detect("je voudrais savoir où est mon colis").Confidence > 0.8);
        var unknown = LanguageDetector.Detect("123 ?!");
        Assert.Equal(LanguageDetector.Fallback, unknown.Language);
        Assert.True(unknown.Confidence < 0.4);
        Assert.True(LanguageDetector.Detect("zq").Confidence < 0.5);
    }
}
