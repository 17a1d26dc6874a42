using System.Globalization;

namespace Parley.Bench;

/// <summary>
/// The command line: <c>[--attack] [--duration 20] [--customers 64] [--rates 100,500] [--parley path/to/Parley.dll] [--postgres "Host=…"]</c>.
/// With <c>--postgres</c> (an Npgsql connection string of a role that may create databases) Parley runs on a fresh
/// PostgreSQL database, dropped afterwards, instead of SQLite. With <c>--attack</c> the bench replays the abuse findings
/// instead (see <see cref="AttackReplay"/>); <c>--duration</c> is then the attack's length, 30 s unless given, and
/// <c>--kinds</c> picks some of the attack's kinds (all by default), to see which one costs what.
/// </summary>
internal sealed record BenchOptions(
    int DurationSeconds, int Customers, IReadOnlyList<int> Rates, string? ParleyDll, int WarmupSeconds, string? Postgres = null, bool Attack = false)
{
    public const string Usage = "usage: Parley.Bench [--duration 20] [--customers 64] [--rates 100,500] [--warmup 3] [--parley path/to/Parley.dll] [--postgres \"Host=…;Username=…;Password=…\"]\n"
        + "       Parley.Bench --attack [--duration 30] [--kinds HugeKeySession,HugeKeyLookup,GuestSessionFlood,LoginKnownEmail,LoginUnknownEmail] [--parley …] [--postgres …]\n"
        + "       Parley.Bench --nlu [--data ../shared/data/banking77] [--node-script bench/nlu/evaluate.js]\n"
        + "       Parley.Bench --console-list [--postgres …] [--conversations 1000000] [--messages 10000000] [--calls 200] [--keep]\n"
        + "       Parley.Bench --flow-api [--duration 15] [--customers 64] [--rates 200] [--latency 200] [--parley …] [--postgres …]";

    public IReadOnlyList<AttackKind> AttackKinds { get; init; } = AttackLoad.AllKinds;

    public const int AttackDefaultSeconds = 30;

    public string Database => Postgres is null ? "SQLite" : "PostgreSQL";

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);

    public TimeSpan Warmup => TimeSpan.FromSeconds(WarmupSeconds);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(20, 64, [100, 500], null, 3);
        var durationGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--attack")
            {
                options = options with { Attack = true };
                continue;
            }

            durationGiven |= args[i] == "--duration";
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--duration" => options with { DurationSeconds = Positive(value, args[i]) },
                "--customers" => options with { Customers = Positive(value, args[i]) },
                "--rates" => options with { Rates = value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => Positive(r, args[i])).ToList() },
                "--warmup" => options with { WarmupSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--parley" => options with { ParleyDll = value },
                "--postgres" => options with { Postgres = value },
                "--kinds" => options with { AttackKinds = Kinds(value) },
                _ => throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}"),
            };
            i++;
        }

        return options.Attack && !durationGiven ? options with { DurationSeconds = AttackDefaultSeconds } : options;
    }

    private static List<AttackKind> Kinds(string value)
    {
        var kinds = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Kind).Distinct().ToList();
        return kinds.Count > 0 ? kinds : throw new ArgumentException($"--kinds needs at least one kind.\n{Usage}");
    }

    private static AttackKind Kind(string name) =>
        Enum.TryParse<AttackKind>(name, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new ArgumentException($"Unknown attack kind '{name}'.\n{Usage}");

    private static int Positive(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive integer, not '{value}'.\n{Usage}");
}
