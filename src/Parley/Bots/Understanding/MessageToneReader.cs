using Parley.Conversations;

namespace Parley.Bots.Understanding;

/// <summary>Every customer message's language and sentiment, by the same analysers the flows use.</summary>
public sealed class MessageToneReader : IMessageTone
{
    public MessageTone Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MessageTone(null, null);
        }

        var language = LanguageDetector.Detect(text).Language;
        return new MessageTone(language, Math.Round(SentimentAnalyzer.Score(text, language).Score, 3));
    }
}
