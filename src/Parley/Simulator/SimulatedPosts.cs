using Parley.Channels;

namespace Parley.Simulator;

/// <summary>
/// A public post: one of the brand's (a Facebook Page post, an Instagram media, a tweet), or a customer's that concerns
/// the brand (a visitor post on the Page, an Instagram media whose caption mentions it, a tweet mentioning it).
/// </summary>
public sealed class SimPost
{
    public required ChannelKind Network { get; init; }
    public required string Id { get; init; }
    public required bool FromBrand { get; init; }
    public required string AuthorId { get; init; }
    public required string AuthorName { get; init; }
    public required DateTimeOffset At { get; init; }
    public string Text { get; set; } = string.Empty;
    public string? Permalink { get; init; }

    /// <summary>A picture the simulator serves (/simulator/media/...), or none.</summary>
    public string? MediaUrl { get; init; }

    public DateTimeOffset? EditedAt { get; set; }
    public bool Deleted { get; set; }
    public bool LikedByBrand { get; set; }
    public DateTimeOffset? PrivateReplyAt { get; set; }
    public int? WebhookStatus { get; set; }
    public List<SimComment> Comments { get; } = [];
}

/// <summary>
/// A comment on a post (a reply tweet on X). Threads have two levels, as on the platforms' pages: a reply to a reply
/// joins the thread of its top-level comment, and <see cref="ReplyTo"/> keeps what was answered.
/// </summary>
public sealed class SimComment
{
    public required string Id { get; init; }
    public required SimPost Post { get; init; }

    /// <summary>The top-level comment of the thread (null: this is one).</summary>
    public string? Thread { get; init; }

    /// <summary>The object answered: the post, a comment, or on X any tweet of the conversation.</summary>
    public required string ReplyTo { get; init; }

    public required bool FromBrand { get; init; }
    public required string AuthorId { get; init; }
    public required string AuthorName { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Text { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    public bool Hidden { get; set; }
    public bool Deleted { get; set; }
    public bool LikedByBrand { get; set; }
    public DateTimeOffset? PrivateReplyAt { get; set; }
    public int? WebhookStatus { get; set; }
}

/// <summary>
/// The public side of the simulated networks: per network (the Facebook Page of the Messenger connection, the Instagram
/// account, the X account) a few seeded brand posts with their comment threads, in this process only and bounded.
/// </summary>
public sealed class SimulatedPosts(TimeProvider clock)
{
    public const int MaxPostsPerNetwork = 60;
    public const int MaxCommentsPerPost = 300;
    public const string BrandName = "La Posta";
    public static readonly ChannelKind[] Networks = [ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.X];

    private readonly Lock _lock = new();
    private readonly Dictionary<ChannelKind, List<SimPost>> _posts = [];
    private readonly Dictionary<ChannelKind, long> _versions = [];
    private long _version;

    public static bool HasPosts(ChannelKind network) => Networks.Contains(network);

    /// <summary>Runs a read or a change under the store's lock; a change bumps the network's version so polling pages see it.</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_lock)
        {
            return read();
        }
    }

    public T Change<T>(ChannelKind network, Func<T> change)
    {
        lock (_lock)
        {
            var result = change();
            _versions[network] = ++_version;
            return result;
        }
    }

    public long Version(ChannelKind network)
    {
        lock (_lock)
        {
            return _versions.GetValueOrDefault(network);
        }
    }

    /// <summary>The network's posts, newest first, seeded with the brand's on first use.</summary>
    public IReadOnlyList<SimPost> Posts(ChannelKind network, string brandId)
    {
        lock (_lock)
        {
            return [.. Seeded(network, brandId).Where(p => !p.Deleted).OrderByDescending(p => p.At)];
        }
    }

    public SimPost? FindPost(ChannelKind network, string brandId, string id)
    {
        lock (_lock)
        {
            return Seeded(network, brandId).FirstOrDefault(p => p.Id == id && !p.Deleted);
        }
    }

    public SimComment? FindComment(ChannelKind network, string brandId, string id)
    {
        lock (_lock)
        {
            return Seeded(network, brandId).Where(p => !p.Deleted).SelectMany(p => p.Comments).FirstOrDefault(c => c.Id == id && !c.Deleted);
        }
    }

    public SimPost AddPost(ChannelKind network, string brandId, bool fromBrand, string authorId, string authorName, string text, string? mediaUrl = null) =>
        Change(network, () =>
        {
            var posts = Seeded(network, brandId);
            var id = NewPostId(network, brandId);
            var post = new SimPost
            {
                Network = network, Id = id, FromBrand = fromBrand, AuthorId = authorId, AuthorName = authorName, At = clock.GetUtcNow(),
                Text = text, MediaUrl = mediaUrl, Permalink = Permalink(network, brandId, id, fromBrand ? "laposta" : WebhookPayloads.ScreenName(authorName)),
            };
            posts.Add(post);
            if (posts.Count > MaxPostsPerNetwork)
            {
                posts.Remove(posts.Where(p => !p.FromBrand || p.Deleted).DefaultIfEmpty(posts[0]).MinBy(p => p.At)!);
            }

            return post;
        });

    /// <summary>A comment answering <paramref name="replyTo"/> (the post, or a comment of it), in the thread it belongs to.</summary>
    public SimComment AddComment(SimPost post, SimComment? replyTo, bool fromBrand, string authorId, string authorName, string text) =>
        Change(post.Network, () =>
        {
            var comment = new SimComment
            {
                Id = NewCommentId(post),
                Post = post,
                Thread = replyTo is null ? null : replyTo.Thread ?? replyTo.Id,
                ReplyTo = replyTo?.Id ?? post.Id,
                FromBrand = fromBrand,
                AuthorId = authorId,
                AuthorName = authorName,
                At = clock.GetUtcNow(),
                Text = text,
            };
            post.Comments.Add(comment);
            if (post.Comments.Count > MaxCommentsPerPost)
            {
                post.Comments.RemoveAt(0);
            }

            return comment;
        });

    private List<SimPost> Seeded(ChannelKind network, string brandId)
    {
        if (_posts.TryGetValue(network, out var posts))
        {
            return posts;
        }

        posts = [];
        _posts[network] = posts;
        var now = clock.GetUtcNow();
        foreach (var (text, media, age) in SeedPosts(network))
        {
            var id = NewPostId(network, brandId);
            posts.Add(new SimPost
            {
                Network = network, Id = id, FromBrand = true, AuthorId = brandId, AuthorName = BrandName, At = now - age, Text = text,
                MediaUrl = media is null ? null : $"/simulator/media/{media}.svg", Permalink = Permalink(network, brandId, id, "laposta"),
            });
        }

        _versions[network] = ++_version;
        return posts;
    }

    private static IEnumerable<(string Text, string? Media, TimeSpan Age)> SeedPosts(ChannelKind network) => network switch
    {
        ChannelKind.Instagram =>
        [
            ("Parcels on their way 📦 The 26 November strike may delay deliveries by one or two days. Track yours with the link in bio.", "parcel", TimeSpan.FromHours(30)),
            ("Meet Conto Più: 3% gross for the first year, no fees, opened from the app in ten minutes. #savings", "savings", TimeSpan.FromHours(54)),
            ("PostaMobile: 100 GB in 5G, unlimited minutes, €7.99 a month. Switch in any post office.", "mobile", TimeSpan.FromHours(80)),
        ],
        ChannelKind.X =>
        [
            ("Because of the 26 November strike, some parcels may arrive one or two days late. Track yours: laposta.example/track", "parcel", TimeSpan.FromHours(30)),
            ("New Conto Più savings account: 3% gross for the first year, no fees. laposta.example/contopiu", null, TimeSpan.FromHours(54)),
            ("PostaMobile: 100 GB in 5G and unlimited minutes for €7.99 a month.", null, TimeSpan.FromHours(80)),
        ],
        _ =>
        [
            ("Delivery update: because of the national strike on 26 November, parcels may arrive one or two days late. You can follow yours at laposta.example/track. We are sorry for the wait.", "parcel", TimeSpan.FromHours(30)),
            ("New: Conto Più, the savings account that pays 3% gross in its first year, with no fees. Open it in the app or in any post office.", "savings", TimeSpan.FromHours(54)),
            ("PostaMobile gets bigger: 100 GB in 5G and unlimited minutes for €7.99 a month, with no contract.", null, TimeSpan.FromHours(80)),
        ],
    };

    /// <summary>Facebook: {page id}_{n}; Instagram: a numeric media id; X: a numeric tweet id.</summary>
    private static string NewPostId(ChannelKind network, string brandId) => network switch
    {
        ChannelKind.Messenger => $"{brandId}_{SimulatedNetworks.Digits("1", 16)}",
        ChannelKind.Instagram => SimulatedNetworks.Digits("18", 17),
        _ => SimulatedNetworks.Digits("1", 19),
    };

    /// <summary>Facebook: {post object id}_{n} (the post id's part after the page id); Instagram and X: numeric.</summary>
    private static string NewCommentId(SimPost post) => post.Network switch
    {
        ChannelKind.Messenger => $"{post.Id[(post.Id.IndexOf('_') + 1)..]}_{SimulatedNetworks.Digits("1", 16)}",
        ChannelKind.Instagram => SimulatedNetworks.Digits("17", 17),
        _ => SimulatedNetworks.Digits("1", 19),
    };

    private static string Permalink(ChannelKind network, string brandId, string id, string handle) => network switch
    {
        ChannelKind.Messenger => $"https://www.facebook.com/{brandId}/posts/{id[(id.IndexOf('_') + 1)..]}",
        ChannelKind.Instagram => $"https://www.instagram.com/p/{ShortCode(id)}/",
        _ => $"https://x.com/{handle}/status/{id}",
    };

    /// <summary>Instagram's short code: the media id in base 64 (letters, digits, - and _).</summary>
    private static string ShortCode(string mediaId)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var n = ulong.Parse(mediaId, System.Globalization.CultureInfo.InvariantCulture);
        var code = string.Empty;
        do
        {
            code = Alphabet[(int)(n % 64)] + code;
            n /= 64;
        }
        while (n > 0);
        return code;
    }
}
