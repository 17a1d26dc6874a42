using System.Globalization;

namespace Parley.Bench;

/// <summary>
/// The social channels' benchmark (issue 9): <c>--social [inbound|outbound|all]</c> and its own options. Inbound: signed
/// Messenger webhooks against the same-run no-op baseline, with <c>--batches</c> messages per POST. Outbound: the
/// dispatcher against a Send API stand-in that answers in <c>--latency</c> ms, <c>--conversations</c> spread over
/// <c>--connections</c>, each connection configured at <c>--rate</c> per second.
/// </summary>
internal sealed record SocialOptions
{
    public const string Usage =
        "usage: Parley.Bench --social [inbound|outbound|all|viral] [--duration 20] [--warmup 3] [--process-warmup 5] [--senders 64] [--customers 2000] [--batches 1,10]\n"
        + "       [--conversations 100] [--connections 10] [--rate 200] [--latency 50] [--send-warmup 10] [--per-conversation N] [--send-batch N] [--lease-spacing ms] [--load-only] [--parley path/to/Parley.dll] [--postgres \"Host=…\"]";

    public bool Inbound { get; init; } = true;

    public bool Outbound { get; init; } = true;

    /// <summary>The viral post: comments under one post against private messages, and the console's list meanwhile.</summary>
    public bool Viral { get; init; }

    /// <summary>Seconds of measured load per phase (inbound), or of sending per conversation (outbound).</summary>
    public int DurationSeconds { get; init; } = 20;

    public int WarmupSeconds { get; init; } = 3;

    /// <summary>
    /// Inbound: seconds of webhooks from <see cref="ProcessWarmupSenders"/> senders before the first phase, and until
    /// Parley has stored them all. A burst holds processing back (Channels:Webhooks:BurstShare), so without this the
    /// code that stores events is still being compiled and tiered up during the measured window, on the same cores as the
    /// answers: a node that has run for a while has stored events at full speed before (2026-12-06: 7.3 – 12.1 s of JIT
    /// compilation in a 19 s window of a process 85 s old). 0 leaves it out.
    /// </summary>
    public int ProcessWarmupSeconds { get; init; } = 5;

    /// <summary>Few enough that the node is not in a burst: processing keeps up and runs at full speed.</summary>
    public const int ProcessWarmupSenders = 2;

    /// <summary>
    /// Seconds' worth of sends before the measured outbound round: the whole host is in the bench's process and still
    /// tiering up its code for tens of seconds (with 3 s, the JIT's background thread took 40 % of the process's CPU in
    /// the measured round; after 10 s' worth, next to nothing).
    /// </summary>
    public int SendWarmupSeconds { get; init; } = 10;

    /// <summary>Concurrent webhook senders (closed loop), for the baseline and for Parley alike.</summary>
    public int Senders { get; init; } = 64;

    /// <summary>Distinct Messenger customers (PSIDs) per inbound phase.</summary>
    public int Customers { get; init; } = 2000;

    /// <summary>Messages (entries) per webhook POST, one inbound phase each.</summary>
    public IReadOnlyList<int> Batches { get; init; } = [1, 10];

    public int Conversations { get; init; } = 100;

    public int Connections { get; init; } = 10;

    /// <summary>Each connection's configured send rate (Connection.RatePerSecond).</summary>
    public double Rate { get; init; } = 200;

    public int LatencyMs { get; init; } = 50;

    /// <summary>Channels:Delivery:PerConversation for the outbound phase; Parley's default when null.</summary>
    public int? PerConversation { get; init; }

    /// <summary>Channels:Meta:SendBatch for the outbound phase (1: a request per message); Parley's default when null.</summary>
    public int? SendBatch { get; init; }

    /// <summary>Channels:Delivery:LeaseSpacing in ms for the outbound phase (0: lease on every wake-up); Parley's default when null.</summary>
    public int? LeaseSpacingMs { get; init; }

    public string? ParleyDll { get; init; }

    /// <summary>
    /// Inbound: measure the answers only. Parley stops after its phases without catching up, and nothing is counted in
    /// the database. A warm run with ten messages per POST journals millions of messages, which PostgreSQL stores in
    /// hours; the bracketing baseline is still run, with Parley stopped.
    /// </summary>
    public bool LoadOnly { get; init; }

    public string? Postgres { get; init; }

    public string Database => Postgres is null ? "SQLite" : "PostgreSQL";

    public static SocialOptions Parse(string[] args)
    {
        var options = new SocialOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--social")
            {
                if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    options = args[++i] switch
                    {
                        "inbound" => options with { Outbound = false },
                        "outbound" => options with { Inbound = false },
                        "all" => options,
                        "viral" => options with { Inbound = false, Outbound = false, Viral = true },
                        var other => throw new ArgumentException($"--social takes inbound, outbound, all or viral, not '{other}'.\n{Usage}"),
                    };
                }

                continue;
            }

            if (args[i] == "--load-only")
            {
                options = options with { LoadOnly = true };
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--duration" => options with { DurationSeconds = Positive(value, args[i]) },
                "--warmup" => options with { WarmupSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--process-warmup" => options with { ProcessWarmupSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--send-warmup" => options with { SendWarmupSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--senders" => options with { Senders = Positive(value, args[i]) },
                "--customers" => options with { Customers = Positive(value, args[i]) },
                "--batches" => options with { Batches = value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => Positive(b, args[i])).ToList() },
                "--conversations" => options with { Conversations = Positive(value, args[i]) },
                "--connections" => options with { Connections = Positive(value, args[i]) },
                "--rate" => options with { Rate = Positive(value, args[i]) },
                "--latency" => options with { LatencyMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--per-conversation" => options with { PerConversation = Positive(value, args[i]) },
                "--send-batch" => options with { SendBatch = Positive(value, args[i]) },
                "--lease-spacing" => options with { LeaseSpacingMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--parley" => options with { ParleyDll = value },
                "--postgres" => options with { Postgres = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}"),
            };
            i++;
        }

        if (options.Conversations % options.Connections != 0)
        {
            throw new ArgumentException($"--conversations must be a multiple of --connections.\n{Usage}");
        }

        return options;
    }

    private static int Positive(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive integer, not '{value}'.\n{Usage}");
}
