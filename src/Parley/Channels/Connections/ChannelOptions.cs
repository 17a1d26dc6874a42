namespace Parley.Channels;

/// <summary>The Graph API that Messenger, Instagram and WhatsApp calls go to (section Channels:Meta).</summary>
public sealed class MetaOptions
{
    public const string Section = "Channels:Meta";

    public Uri GraphApiUrl { get; set; } = new("https://graph.facebook.com/v23.0");

    /// <summary>
    /// How many of a Messenger or Instagram conversation's pending messages go in one Graph batch request, run in order
    /// (1: each in its own request; at most 50, Graph's limit). Each counts against the connection's rate as one call.
    /// </summary>
    public int SendBatch { get; set; } = 10;
}

/// <summary>The X API (section Channels:X).</summary>
public sealed class XOptions
{
    public const string Section = "Channels:X";

    public Uri ApiUrl { get; set; } = new("https://api.x.com");

    /// <summary>
    /// What the brand tweets under a customer's tweet to move them to private ("Reply in private"): X has no private
    /// reply to a tweet. Signed with the advisor's name like any reply; with the signature, at most 280 characters.
    /// </summary>
    public string PrivateInvite { get; set; } = "We'd like to help you further in private: please send us a direct message.";
}

/// <summary>A connection declared in configuration (Channels:Connections:N), for deployment as code.</summary>
public sealed class DeclaredConnection
{
    public const string Section = "Channels:Connections";

    public ChannelKind? Kind { get; set; }

    /// <summary>The account's name (the demo's is "La Posta").</summary>
    public string? Account { get; set; }

    public string? Name { get; set; }
    public string? ExternalId { get; set; }
    public string? AccessToken { get; set; }
    public string? AppSecret { get; set; }
    public string? VerifyToken { get; set; }
    public double? RatePerSecond { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>WhatsApp's approved templates (Channels:Connections:N:Templates:M:Name, :Language, :Body with {{1}}...).</summary>
    public List<MessageTemplate>? Templates { get; set; }

    /// <summary>What is missing or wrong, for the startup error; null when it can be saved.</summary>
    public string? Problem(int index)
    {
        var missing = new[] { (Kind is null, "Kind"), (string.IsNullOrWhiteSpace(Account), "Account"), (string.IsNullOrWhiteSpace(Name), "Name"), (string.IsNullOrWhiteSpace(ExternalId), "ExternalId") }
            .Where(m => m.Item1).Select(m => m.Item2).ToList();
        if (missing.Count > 0)
        {
            return $"{Section}:{index} lacks {string.Join(", ", missing)}.";
        }

        if (Templates?.Any(t => string.IsNullOrWhiteSpace(t.Name) || string.IsNullOrWhiteSpace(t.Language) || string.IsNullOrWhiteSpace(t.Body)) == true)
        {
            return $"{Section}:{index}: each template has a Name, a Language and a Body.";
        }

        return Kind is ChannelKind.WebMessaging
            ? $"{Section}:{index}: Kind is Messenger, Instagram, WhatsApp or X (a website is an inbox, not a connection)."
            : RatePerSecond is <= 0 ? $"{Section}:{index}: RatePerSecond must be positive." : null;
    }
}
