namespace Parley.Bots.Flows;

/// <summary>
/// A card a message step sends (several make a carousel): a title, a subtitle and an image, a link the card opens when
/// tapped, and buttons. Each channel shows as much of it as it can (<see cref="ChannelLimits"/>).
/// </summary>
public sealed class FlowCard
{
    /// <summary>Template of the card's title (the one field a card must have).</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>Template of the line under the title.</summary>
    public string? Subtitle { get; set; }

    public string? ImageUrl { get; set; }

    /// <summary>The page tapping the card opens (Messenger's default action), where the channel has one.</summary>
    public string? Url { get; set; }

    public List<FlowCardButton> Buttons { get; set; } = [];
}

/// <summary>
/// A card's button: with <see cref="Url"/> it opens a page; without, it is a choice the customer taps, carried back as
/// <see cref="Key"/> and matched by the flow as a quick reply's option (it may lead to its own step).
/// </summary>
public sealed class FlowCardButton
{
    public string? Id { get; set; }
    public string Title { get; set; } = string.Empty;
    public string? Url { get; set; }
    public string? Next { get; set; }

    [YamlDotNet.Serialization.YamlIgnore]
    public bool IsLink => Url is not null;

    [YamlDotNet.Serialization.YamlIgnore]
    public string Key => FlowOption.KeyOf(Id, Title);

    /// <summary>The choice the button is, as the runner matches choices.</summary>
    public FlowOption AsOption() => new() { Id = Id, Title = Title, Next = Next };
}
