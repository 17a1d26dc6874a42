using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Parley.Channels.Webhooks;

namespace Parley.Bench;

/// <summary>What one closed loop of webhook POSTs got: the measured window's figures, and every message answered 200.</summary>
internal sealed record WebhookRun(
    double PostsPerSecond, double MessagesPerSecond, double P50Ms, double P99Ms, double? ServerCores, double GeneratorCores, double OtherCores,
    long AcceptedMessages, long RefusedPosts, long UnansweredPosts, string Statuses);

/// <summary>
/// Meta's side of a Messenger page: signed webhook POSTs (<c>X-Hub-Signature-256</c> with the app secret over the raw
/// body, as <see cref="WebhookSignature.Hex"/> computes it), <c>object: page</c>, one <c>messaging</c> event per entry and
/// <see cref="Batch"/> entries per POST. Each sender owns its share of the customers (PSIDs), so a customer's messages go
/// one after the other; each customer's every fourth message is a quick-reply pick of a topic, the others text. Every
/// message id is unique, and starts with <see cref="IdPrefix"/> so the database can be checked afterwards.
/// With <paramref name="postId"/>, the customers comment under that one post instead (a viral post): each entry is a
/// <c>feed</c> change (<c>item</c> comment, <c>verb</c> add), with the comment's text, author and time as Meta sends them.
/// </summary>
internal sealed class WebhookLoad(string pageId, string appSecret, int phase, int batch, int senders, int customers, string? postId = null)
{
    public int Batch => batch;

    public string MidPrefix => $"mid.bench-{phase}.";

    /// <summary>What every message's platform id starts with: the mid prefix, or the post's comment ids.</summary>
    public string IdPrefix => postId is null ? MidPrefix : $"{postId}_{MidPrefix}";

    public async Task<WebhookRun> RunAsync(HttpClient http, Uri target, TimeSpan warmup, TimeSpan duration, CpuProbe cpu)
    {
        using var stop = new CancellationTokenSource();
        var measuring = 0;
        long okPosts = 0;
        long accepted = 0;
        long refused = 0;
        long unanswered = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        var latencies = new Latencies();
        var workers = Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            var local = new Latencies();
            var mine = Enumerable.Range(0, customers).Where(c => c % senders == sender).ToArray();
            var sent = new int[mine.Length];
            var next = 0;
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var body = Body(sender, n, mine, sent, ref next);
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-Hub-Signature-256", WebhookSignature.Hex(appSecret, body));
                var started = Stopwatch.GetTimestamp();
                HttpStatusCode? status;
                try
                {
                    using var response = await http.SendAsync(request, CancellationToken.None);
                    await response.Content.LoadIntoBufferAsync();
                    status = response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = null;
                }

                var ok = status == HttpStatusCode.OK;
                if (ok)
                {
                    Interlocked.Add(ref accepted, batch);
                }
                else if (status is { } refusal)
                {
                    Interlocked.Increment(ref refused);
                    statuses.AddOrUpdate((int)refusal, 1, (_, c) => c + 1);
                }
                else
                {
                    Interlocked.Increment(ref unanswered);
                }

                if (ok && Volatile.Read(ref measuring) == 1)
                {
                    Interlocked.Increment(ref okPosts);
                    local.Add(Stopwatch.GetTimestamp() - started);
                }
            }

            latencies.AddRange(local);
        })).ToList();

        await Task.Delay(warmup);
        cpu.Start();
        Volatile.Write(ref measuring, 1);
        var window = Stopwatch.StartNew();
        await Task.Delay(duration);
        Volatile.Write(ref measuring, 0);
        var seconds = window.Elapsed.TotalSeconds;
        var (server, generator, others) = cpu.Stop();
        var posts = Interlocked.Read(ref okPosts);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var statusText = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}× {s.Key}"));
        return new WebhookRun(posts / seconds, posts * batch / seconds, latencies.Percentile(50), latencies.Percentile(99), server, generator, others,
            accepted, refused, unanswered, statusText);
    }

    /// <summary>One POST's body: the next <see cref="Batch"/> customers of this sender, one event each.</summary>
    private byte[] Body(int sender, int n, int[] mine, int[] sent, ref int next)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var json = new StringBuilder(200 + (batch * 260));
        json.Append("{\"object\":\"page\",\"entry\":[");
        for (var e = 0; e < batch; e++)
        {
            var slot = next;
            next = (next + 1) % mine.Length;
            var k = sent[slot]++;
            var psid = Psid(mine[slot]);
            var topic = WidgetCustomer.Topics[(mine[slot] + k) % WidgetCustomer.Topics.Length];
            var message = k % 4 == 0
                ? $"\"text\":\"{topic.Title}\",\"quick_reply\":{{\"payload\":\"{topic.Id}\"}}"
                : $"\"text\":\"Message {k} from customer {mine[slot]}: where is my parcel?\"";
            var id = $"{IdPrefix}{sender.ToString(CultureInfo.InvariantCulture)}.{n.ToString(CultureInfo.InvariantCulture)}.{e.ToString(CultureInfo.InvariantCulture)}";
            json.Append(e == 0 ? "" : ",").Append("{\"id\":\"").Append(pageId).Append("\",\"time\":").Append(now);
            if (postId is null)
            {
                json.Append(",\"messaging\":[{")
                    .Append("\"sender\":{\"id\":\"").Append(psid).Append("\"},\"recipient\":{\"id\":\"").Append(pageId).Append("\"},")
                    .Append("\"timestamp\":").Append(now).Append(",\"message\":{\"mid\":\"").Append(id).Append("\",").Append(message).Append("}}]}");
                continue;
            }

            json.Append(",\"changes\":[{\"field\":\"feed\",\"value\":{\"item\":\"comment\",\"verb\":\"add\",\"post_id\":\"").Append(postId)
                .Append("\",\"parent_id\":\"").Append(postId).Append("\",\"comment_id\":\"").Append(id)
                .Append("\",\"from\":{\"id\":\"").Append(psid).Append("\",\"name\":\"Customer ").Append(mine[slot].ToString(CultureInfo.InvariantCulture))
                .Append("\"},\"message\":\"Comment ").Append(k.ToString(CultureInfo.InvariantCulture)).Append(": my parcel is late too!\",\"created_time\":")
                .Append((long.Parse(now, CultureInfo.InvariantCulture) / 1000).ToString(CultureInfo.InvariantCulture)).Append("}}]}");
        }

        json.Append("]}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>A page-scoped id: digits, distinct per phase, so each phase's customers are new to Parley.</summary>
    private string Psid(int customer) => (((phase + 1) * 10_000_000L) + customer).ToString(CultureInfo.InvariantCulture);
}
