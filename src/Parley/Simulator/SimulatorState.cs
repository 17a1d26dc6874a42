using Parley.Channels;

namespace Parley.Simulator;

/// <summary>A choice the brand offered: a quick reply chip, a template button, a WhatsApp reply button or list row.</summary>
public sealed record SimChoice(string Id, string Title, string? Description = null);

/// <summary>How a brand message's choices look on the platform, and which event picking one sends back.</summary>
public enum ChoiceStyle
{
    None,
    QuickReplies,
    Postbacks,
    ReplyButtons,
    List,
}

/// <summary>A platform's error code and title, e.g. WhatsApp's 131047 Re-engagement message.</summary>
public sealed record SimFailure(int Code, string Title);

/// <summary>Where a message is, as the platform shows it: the customer's own messages are Sent then Read by the brand; the brand's are Delivered then Read by the customer.</summary>
public enum SimStatus
{
    Sending,
    Sent,
    Failed,
    Delivered,
    Read,
}

/// <summary>One message of a simulated chat, as the platform holds it.</summary>
public sealed class SimMessage
{
    public required string Id { get; init; }
    public required bool FromCustomer { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? Text { get; init; }
    public ChoiceStyle Style { get; init; }
    public IReadOnlyList<SimChoice> Choices { get; init; } = [];

    /// <summary>The label of the button that opens a WhatsApp list.</summary>
    public string? ListButton { get; init; }

    /// <summary>An image, file... the brand sent: its kind and link (or media id).</summary>
    public string? MediaKind { get; init; }
    public string? MediaUrl { get; init; }

    /// <summary>The approved template a WhatsApp message was sent with.</summary>
    public string? Template { get; init; }

    public SimStatus Status { get; set; }

    /// <summary>The HTTP status Parley's webhook answered for a customer's message (null: it could not be reached).</summary>
    public int? WebhookStatus { get; set; }

    /// <summary>A choice was picked: the platform hides quick replies once one is used.</summary>
    public bool Answered { get; set; }

    /// <summary>WhatsApp: the 'sent' status was posted for it.</summary>
    public bool SentReported { get; set; }

    /// <summary>Why the platform did not deliver it (WhatsApp reports it with a 'failed' status).</summary>
    public SimFailure? Failure { get; init; }
}

/// <summary>A customer the demo plays, on one network, with a platform id of that network's kind.</summary>
public sealed class SimCustomer
{
    public required ChannelKind Network { get; init; }
    public required string PlatformId { get; init; }
    public required string Name { get; init; }
    public List<SimMessage> Messages { get; } = [];
    public DateTimeOffset LastActivity { get; set; }

    /// <summary>When the page last showed this chat: the customer's phone is 'open', so messages are delivered and read.</summary>
    public DateTimeOffset? ViewedAt { get; set; }

    /// <summary>Until when the brand is shown typing (Messenger typing_on, WhatsApp typing indicator).</summary>
    public DateTimeOffset? TypingUntil { get; set; }

    /// <summary>The state version of this customer's last change.</summary>
    public long Version { get; set; }
}

/// <summary>A call in the inspector: a webhook the simulator posted to Parley, or a platform API call Parley made to it.</summary>
public sealed record InspectorEntry(
    long Seq, DateTimeOffset At, string Direction, ChannelKind? Network, string Method, string Path, int? Status, string Request, string? Response, string? Note);

/// <summary>
/// The simulated platforms' memory: customers, their chats and the inspector, in this process only (a demo runs on one
/// node; a restart forgets the chats, Parley keeps its own copy). Bounded: the least recently active customers and the
/// oldest messages and calls make room.
/// </summary>
public sealed class SimulatorState(TimeProvider clock)
{
    public const int MaxCustomers = 100;
    public const int MaxMessagesPerCustomer = 200;
    public const int MaxInspectorEntries = 200;
    public const int MaxLoggedBody = 16 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<(ChannelKind, string), SimCustomer> _customers = [];
    private readonly LinkedList<InspectorEntry> _inspector = new();
    private long _version;
    private long _inspectorSeq;

    public TimeProvider Clock => clock;

    /// <summary>Runs a change under the state's lock and bumps the customer's version, so polling pages see it.</summary>
    public T Change<T>(SimCustomer customer, Func<SimCustomer, T> change)
    {
        lock (_lock)
        {
            var result = change(customer);
            customer.Version = ++_version;
            return result;
        }
    }

    public void Change(SimCustomer customer, Action<SimCustomer> change) => Change(customer, c =>
    {
        change(c);
        return true;
    });

    public T Read<T>(Func<T> read)
    {
        lock (_lock)
        {
            return read();
        }
    }

    public SimCustomer? Find(ChannelKind network, string platformId)
    {
        lock (_lock)
        {
            return _customers.GetValueOrDefault((network, platformId));
        }
    }

    /// <summary>The customer, created with <paramref name="name"/> when the simulator does not know them yet.</summary>
    public SimCustomer GetOrAdd(ChannelKind network, string platformId, string name)
    {
        lock (_lock)
        {
            if (_customers.TryGetValue((network, platformId), out var known))
            {
                return known;
            }

            if (_customers.Count >= MaxCustomers)
            {
                var idlest = _customers.Values.MinBy(c => c.LastActivity)!;
                _customers.Remove((idlest.Network, idlest.PlatformId));
            }

            var customer = new SimCustomer { Network = network, PlatformId = platformId, Name = name, LastActivity = clock.GetUtcNow(), Version = ++_version };
            _customers[(network, platformId)] = customer;
            return customer;
        }
    }

    public void Add(SimCustomer customer, SimMessage message) => Change(customer, c =>
    {
        c.Messages.Add(message);
        if (c.Messages.Count > MaxMessagesPerCustomer)
        {
            c.Messages.RemoveRange(0, c.Messages.Count - MaxMessagesPerCustomer);
        }

        c.LastActivity = clock.GetUtcNow();
        if (!message.FromCustomer)
        {
            c.TypingUntil = null;
        }

        return true;
    });

    public IReadOnlyList<SimCustomer> Customers(ChannelKind network)
    {
        lock (_lock)
        {
            return _customers.Values.Where(c => c.Network == network).OrderByDescending(c => c.LastActivity).ToList();
        }
    }

    public void Log(string direction, ChannelKind? network, string method, string path, int? status, string request, string? response, string? note = null)
    {
        lock (_lock)
        {
            _inspector.AddLast(new InspectorEntry(++_inspectorSeq, clock.GetUtcNow(), direction, network, method, path, status, Truncate(request), response is null ? null : Truncate(response), note));
            if (_inspector.Count > MaxInspectorEntries)
            {
                _inspector.RemoveFirst();
            }
        }
    }

    public IReadOnlyList<InspectorEntry> InspectorAfter(long seq)
    {
        lock (_lock)
        {
            return _inspector.Where(e => e.Seq > seq).ToList();
        }
    }

    private static string Truncate(string body) => body.Length <= MaxLoggedBody ? body : body[..MaxLoggedBody] + "…";
}
