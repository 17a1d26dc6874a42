using System.Text.Json;

namespace Parley.Channels;

/// <summary>What a connection keeps besides its credentials (<see cref="Connection.SettingsJson"/>).</summary>
public sealed record ConnectionSettings
{
    /// <summary>WhatsApp message templates approved for the number, offered in the console outside the 24-hour window.</summary>
    public IReadOnlyList<MessageTemplate> Templates { get; init; } = [];

    /// <summary>
    /// Where this connection's platform API is, instead of the channel's (Channels:Meta:GraphApiUrl, Channels:X:ApiUrl):
    /// the demo's connections talk to the built-in simulator. Absolute, or a path on this server (resolved by <see cref="PlatformApi"/>).
    /// </summary>
    public string? ApiUrl { get; init; }

    /// <summary>The bot and routing of the connection's public messages (comments, mentions); defaults: no bot.</summary>
    public Bots.Public.PublicBotSettings PublicBot { get; init; } = new();

    public static ConnectionSettings Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new ConnectionSettings() : JsonSerializer.Deserialize<ConnectionSettings>(json, JsonSerializerOptions.Web) ?? new ConnectionSettings();

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);
}

/// <summary>
/// An approved WhatsApp template: its name and language as registered with Meta, and its body with numbered parameters
/// (<c>{{1}}</c>, <c>{{2}}</c>...) that the advisor fills in.
/// </summary>
public sealed record MessageTemplate(string Name, string Language, string Body)
{
    /// <summary>How many parameters the body has ({{1}} to {{n}}).</summary>
    public int ParameterCount
    {
        get
        {
            var count = 0;
            while (Body.Contains($"{{{{{count + 1}}}}}", StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }
    }

    /// <summary>The body with its parameters filled in, as the customer will read it.</summary>
    public string Render(IReadOnlyList<string> parameters)
    {
        var text = Body;
        for (var i = 0; i < parameters.Count; i++)
        {
            text = text.Replace($"{{{{{i + 1}}}}}", parameters[i], StringComparison.Ordinal);
        }

        return text;
    }
}
