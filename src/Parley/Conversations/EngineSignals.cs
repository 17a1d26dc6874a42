using System.Threading.Channels;

namespace Parley.Conversations;

/// <summary>Wakes the inbound processor for a conversation. The database is the truth; this is only a doorbell.</summary>
public sealed class InboundSignal
{
    private readonly Channel<long> _channel = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    public void Ring(long conversationId) => _channel.Writer.TryWrite(conversationId);

    internal ChannelReader<long> Reader => _channel.Reader;
}

/// <summary>Wakes the router: something changed that may allow an assignment.</summary>
public sealed class RoutingSignal : Doorbell;

/// <summary>Wakes the reader of posts' details (<c>Channels.PostDetails</c>): a thread's post was stored with no text.</summary>
public sealed class PostDetailsSignal : Doorbell;

/// <summary>A wake-up that coalesces: many rings before the sleeper wakes count as one.</summary>
public class Doorbell
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Ring() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a ring or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}
