using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Parley.Bench;

/// <summary>What one attack worker does, over and over (the hardening issue's findings 1 and 2).</summary>
internal enum AttackKind
{
    /// <summary>Finding 1: POST /sessions naming a random ~60 KB inbox key each time.</summary>
    HugeKeySession,

    /// <summary>Finding 1, the other door: GET /inboxes/{random key}, as long as a request line may be.</summary>
    HugeKeyLookup,

    /// <summary>Finding 2: anonymous POST /sessions on the real inbox, as fast as answered.</summary>
    GuestSessionFlood,

    /// <summary>Finding 2: console sign-in with wrong passwords for a known advisor's email.</summary>
    LoginKnownEmail,

    /// <summary>Finding 2: console sign-in with wrong passwords for emails no advisor has.</summary>
    LoginUnknownEmail,
}

/// <summary>Answers of one kind of attack request, by status code; "no answer" are transport errors and timeouts.</summary>
internal sealed class StatusTally
{
    private readonly long[] _byStatus = new long[600];
    private long _noAnswer;
    private long _signedIn;

    public long this[int status] => Interlocked.Read(ref _byStatus[status]);

    public long NoAnswer => Interlocked.Read(ref _noAnswer);

    /// <summary>Sign-ins that succeeded (a redirect elsewhere than back to the login form): must stay 0.</summary>
    public long SignedIn => Interlocked.Read(ref _signedIn);

    public long Answered => Enumerable.Range(0, _byStatus.Length).Sum(i => this[i]);

    public IEnumerable<(int Status, long Count)> All => Enumerable.Range(0, _byStatus.Length).Where(i => this[i] > 0).Select(i => (i, this[i]));

    public void Add(HttpStatusCode status) => Interlocked.Increment(ref _byStatus[Math.Clamp((int)status, 0, _byStatus.Length - 1)]);

    public void AddNoAnswer() => Interlocked.Increment(ref _noAnswer);

    public void AddSignedIn() => Interlocked.Increment(ref _signedIn);
}

/// <summary>
/// The attack: workers, each on a loopback address of its own (127.0.0.2, 127.0.0.3, …) and one <see cref="AttackKind"/>
/// (dealt round-robin), each sending its next request as soon as the previous one was answered. Every loop stops by itself
/// after the duration or <see cref="MaxRequestsPerWorker"/> requests, whichever comes first.
/// </summary>
internal static class AttackLoad
{
    public const int Workers = 32;
    public const int MaxRequestsPerWorker = 500_000;
    public const int SessionKeyLength = 60_000;

    /// <summary>Kestrel refuses request lines over 8 KB (414): the lookup key fills what is left of one.</summary>
    public const int LookupKeyLength = 8_000;

    public const string KnownEmail = "marie@parley.local";

    private static readonly char[] KeyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".ToCharArray();
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Random key text, sliced at random offsets, so that each key is new without drawing 60,000 random characters a request.</summary>
    private static readonly string KeyPool = RandomText(2 * SessionKeyLength);

    public static IReadOnlyList<AttackKind> AllKinds { get; } = Enum.GetValues<AttackKind>();

    /// <summary>Which kind worker <paramref name="worker"/> runs: the kinds are dealt round-robin.</summary>
    public static AttackKind KindOf(int worker, IReadOnlyList<AttackKind> kinds) => kinds[worker % kinds.Count];

    public static int WorkersOf(AttackKind kind, IReadOnlyList<AttackKind> kinds) => Enumerable.Range(0, Workers).Count(w => KindOf(w, kinds) == kind);

    public static Dictionary<AttackKind, StatusTally> NewTallies(IReadOnlyList<AttackKind> kinds) => kinds.ToDictionary(k => k, _ => new StatusTally());

    public static async Task RunAsync(Uri baseAddress, IReadOnlyDictionary<AttackKind, StatusTally> tallies, TimeSpan duration, CancellationToken abort)
    {
        var kinds = AllKinds.Where(tallies.ContainsKey).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        stop.CancelAfter(duration);
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var kind = KindOf(w, kinds);
            using var http = LoopbackClients.Create(LoopbackClients.Source(w + 1), cookies: kind is AttackKind.LoginKnownEmail or AttackKind.LoginUnknownEmail);
            await WorkAsync(kind, http, baseAddress, tallies[kind], stop.Token);
        })).ToList();
        await Task.WhenAll(workers);
    }

    private static async Task WorkAsync(AttackKind kind, HttpClient http, Uri baseAddress, StatusTally tally, CancellationToken stop)
    {
        var login = kind is AttackKind.LoginKnownEmail or AttackKind.LoginUnknownEmail;
        string? formToken = null;
        for (var n = 0; n < MaxRequestsPerWorker && !stop.IsCancellationRequested; n++)
        {
            try
            {
                if (login)
                {
                    formToken ??= await LoginFormTokenAsync(http, baseAddress, stop);
                }

                using var request = Request(kind, baseAddress, formToken);
                using var response = await http.SendAsync(request, stop);
                await response.Content.LoadIntoBufferAsync(stop);
                tally.Add(response.StatusCode);
                if (login && response.StatusCode == HttpStatusCode.BadRequest)
                {
                    formToken = null; // the form token was refused: fetch the form again
                }
                else if (login && response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("error", StringComparison.Ordinal) == false)
                {
                    tally.AddSignedIn();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return; // cut by the end of the attack: neither answered nor failed
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                tally.AddNoAnswer();
            }
        }
    }

    private static HttpRequestMessage Request(AttackKind kind, Uri baseAddress, string? formToken) => kind switch
    {
        AttackKind.HugeKeySession => SessionRequest(baseAddress, RandomKey(SessionKeyLength)),
        AttackKind.HugeKeyLookup => new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, $"/api/widget/v1/inboxes/{RandomKey(LookupKeyLength)}")),
        AttackKind.GuestSessionFlood => SessionRequest(baseAddress, WidgetCustomer.InboxKey),
        AttackKind.LoginKnownEmail => LoginRequest(baseAddress, formToken!, KnownEmail),
        AttackKind.LoginUnknownEmail => LoginRequest(baseAddress, formToken!, $"nobody-{Guid.NewGuid():N}@example.invalid"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static HttpRequestMessage SessionRequest(Uri baseAddress, string inboxKey) => new(HttpMethod.Post, new Uri(baseAddress, "/api/widget/v1/sessions"))
    {
        Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"inbox":"{{inboxKey}}"}""")) { Headers = { ContentType = Json } },
    };

    private static HttpRequestMessage LoginRequest(Uri baseAddress, string formToken, string email) => new(HttpMethod.Post, new Uri(baseAddress, "/account/login"))
    {
        Content = new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", formToken),
            new("email", email),
            new("password", $"wrong-{Guid.NewGuid():N}"),
            new("returnUrl", "/console"),
        ]),
    };

    /// <summary>GET /login as a browser does: the antiforgery cookie lands in the client's cookie container, the form token is in the page.</summary>
    private static async Task<string> LoginFormTokenAsync(HttpClient http, Uri baseAddress, CancellationToken ct)
    {
        var page = await http.GetStringAsync(new Uri(baseAddress, "/login"), ct);
        var match = Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new HttpRequestException("The login page has no antiforgery token.");
    }

    private static string RandomKey(int length)
    {
        var offset = Random.Shared.Next(KeyPool.Length - length + 16);
        return RandomText(16) + KeyPool.AsSpan(offset, length - 16).ToString();
    }

    private static string RandomText(int length) => string.Create(length, 0, (span, _) => Random.Shared.GetItems(KeyAlphabet, span));
}
