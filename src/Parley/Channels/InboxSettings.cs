using System.Text.Json;
using Parley.Routing;

namespace Parley.Channels;

/// <summary>What a channel manager configures on an inbox: the bot's texts and topics, and business hours.</summary>
public sealed record InboxSettings
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string BotName { get; init; } = "Parley bot";
    public string Greeting { get; init; } = "Hello! I am the virtual assistant. What is your question about?";
    public IReadOnlyList<Topic> Topics { get; init; } = [];

    /// <summary>The queue for customers who ask for a human or whose answer the bot does not understand.</summary>
    public long? DefaultQueueId { get; init; }

    public BusinessHoursSchedule BusinessHours { get; init; } = BusinessHoursSchedule.AlwaysOpen;

    /// <summary>The reply time announced to customers during business hours.</summary>
    public int ExpectedReplyMinutes { get; init; } = 5;

    public static InboxSettings Parse(string json) => JsonSerializer.Deserialize<InboxSettings>(json, Json) ?? new InboxSettings();

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>A choice of the bot's topic picker; picking it hands the conversation to the topic's queue.</summary>
public sealed record Topic(string Id, string Title, string? Description, long QueueId);
