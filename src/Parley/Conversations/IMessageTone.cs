namespace Parley.Conversations;

/// <summary>The language and tone of a customer's text, stored with every customer message (the console and analytics show them).</summary>
public sealed record MessageTone(string? Language, double? Sentiment);

/// <summary>Reads a customer's text as it is accepted, outside the write gate; the bots' analysers plug in here.</summary>
public interface IMessageTone
{
    MessageTone Read(string? text);
}
