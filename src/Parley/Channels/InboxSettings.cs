using System.Collections.Concurrent;
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

    /// <summary>
    /// True: a contact has one conversation on the inbox, reopened when they write after it was resolved (a website's
    /// persistent chat). False: a new conversation after a resolved one, the earlier ones kept as history (social
    /// channels). Null: the channel's default (<see cref="ChannelCapabilities.OneConversationPerContact"/>).
    /// </summary>
    public bool? OneConversationPerContact { get; init; }

    private static readonly ConcurrentDictionary<string, InboxSettings> Parsed = new(StringComparer.Ordinal);

    /// <summary>Parses settings JSON, remembering recent results: the engine reads an inbox's settings on every message.</summary>
    public static InboxSettings Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            // An inbox with no settings of its own (a new connection): InboxDirectory gives it its account's website's.
            return new InboxSettings();
        }

        if (Parsed.TryGetValue(json, out var known))
        {
            return known;
        }

        var settings = JsonSerializer.Deserialize<InboxSettings>(json, Json) ?? new InboxSettings();
        if (Parsed.Count >= 1000)
        {
            Parsed.Clear();
        }

        Parsed[json] = settings;
        return settings;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>A choice of the bot's topic picker; picking it hands the conversation to the topic's queue.</summary>
public sealed record Topic(string Id, string Title, string? Description, long QueueId);
