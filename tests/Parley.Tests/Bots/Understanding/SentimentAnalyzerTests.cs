using Parley.Bots.Understanding;

namespace Parley.Tests.Bots.Understanding;

public sealed class SentimentAnalyzerTests
{
    [Theory]
    [InlineData("mon colis est bloqué depuis une semaine, c'est inadmissible")]
    [InlineData("je ne suis pas content du tout")]
    [InlineData("pas content")]
    [InlineData("This is the worst service ever, my parcel is lost")]
    [InlineData("il pacco è ancora bloccato, un servizio pessimo")]
    [InlineData("non sono soddisfatto")]
    [InlineData("Je suis très déçu")]
    [InlineData("I am not happy at all")]
    [InlineData("Still waiting for my refund, this is ridiculous")]
    public void Complaints_are_negative(string text)
    {
        var score = SentimentAnalyzer.Score(text);
        Assert.Equal(SentimentLabel.Negative, score.Label);
        Assert.InRange(score.Score, -1, -SentimentAnalyzer.Threshold);
    }

    [Theory]
    [InlineData("merci beaucoup, parfait")]
    [InlineData("Thanks a lot, great service")]
    [InlineData("grazie mille, gentilissimo")]
    [InlineData("not bad at all")]
    [InlineData("Bravo, livraison rapide !")]
    [InlineData("pas mal du tout")]
    [InlineData("non è male")]
    public void Praise_is_positive(string text)
    {
        Assert.Equal(SentimentLabel.Positive, SentimentAnalyzer.Score(text).Label);
    }

    [Theory]
    [InlineData("where is my parcel?")]
    [InlineData("quels sont vos horaires d'ouverture")]
    [InlineData("qual è il numero di spedizione")]
    public void Questions_are_neutral(string text)
    {
        Assert.Equal(SentimentLabel.Neutral, SentimentAnalyzer.Score(text).Label);
    }

    [Fact]
    public void Not_bad_is_not_negative_and_negation_flips_praise()
    {
        Assert.NotEqual(SentimentLabel.Negative, SentimentAnalyzer.Score("not bad", "en").Label);
        Assert.True(SentimentAnalyzer.Score("content", "fr").Score > 0);
        Assert.True(SentimentAnalyzer.Score("pas content", "fr").Score < 0);
    }

    [Fact]
    public void Capitals_intensifiers_and_exclamation_marks_strengthen()
    {
        var plain = SentimentAnalyzer.Score("c'est inadmissible", "fr").Score;
        Assert.True(SentimentAnalyzer.Score("c'est INADMISSIBLE", "fr").Score < plain);
        Assert.True(SentimentAnalyzer.Score("c'est inadmissible !!!", "fr").Score < plain);
        Assert.True(SentimentAnalyzer.Score("very good", "en").Score > SentimentAnalyzer.Score("good", "en").Score);
        Assert.InRange(SentimentAnalyzer.Score("NUL NUL NUL INADMISSIBLE HONTEUX !!!", "fr").Score, -1, -0.9);
    }
}
