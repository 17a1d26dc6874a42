using Parley.Channels;

namespace Parley.Simulator;

public sealed record CommentDto(
    string Id, string? Thread, string ReplyTo, bool FromBrand, string AuthorId, string AuthorName, string Handle, string Text, DateTimeOffset At,
    bool Edited, bool Hidden, bool Liked, bool PrivatelyReplied, int? WebhookStatus);

public sealed record PostDto(
    string Id, bool FromBrand, string AuthorId, string AuthorName, string Handle, string Text, string? Permalink, string? MediaUrl, DateTimeOffset At,
    bool Edited, bool Liked, bool PrivatelyReplied, int? WebhookStatus, IReadOnlyList<CommentDto> Comments);

/// <summary>A network's public posts as <c>viewer</c> sees them (null when unchanged since the version the page has).</summary>
public sealed record PostsDto(long Version, string Network, string BrandId, IReadOnlyList<PostDto>? Posts);

/// <summary>A customer's public comment, reply or post, with what Parley's webhook endpoint answered (no webhook: null).</summary>
public sealed record PublicSentDto(string Id, int? WebhookStatus, string? WebhookAnswer);

public sealed record PublicText(string? CustomerId, string? Text);

public sealed record NewPublicPost(string? Network, string? CustomerId, string? Text);

/// <summary>How the page shows posts: what the viewer may see (a hidden comment only to its author, except on X where anyone can open hidden replies).</summary>
public static class PostDtos
{
    public static PostDto Dto(SimPost post, string? viewer) => new(
        post.Id, post.FromBrand, post.AuthorId, post.AuthorName, Handle(post.FromBrand, post.AuthorName), post.Text, post.Permalink, post.MediaUrl, post.At,
        post.EditedAt is not null, post.LikedByBrand, post.PrivateReplyAt is not null, post.WebhookStatus,
        [.. post.Comments.Where(c => !c.Deleted && (!c.Hidden || post.Network == ChannelKind.X || c.AuthorId == viewer)).OrderBy(c => c.At).Select(Dto)]);

    public static CommentDto Dto(SimComment c) => new(
        c.Id, c.Thread, c.ReplyTo, c.FromBrand, c.AuthorId, c.AuthorName, Handle(c.FromBrand, c.AuthorName), c.Text, c.At,
        c.EditedAt is not null, c.Hidden, c.LikedByBrand, c.PrivateReplyAt is not null, c.WebhookStatus);

    private static string Handle(bool fromBrand, string name) => fromBrand ? PublicWebhookPayloads.BrandHandle : WebhookPayloads.ScreenName(name);

    /// <summary>The longest comment each network takes: Facebook 8,000 characters, an Instagram comment 2,200, a tweet 280.</summary>
    public static int MaxText(ChannelKind network) => network switch
    {
        ChannelKind.Messenger => 8000,
        ChannelKind.Instagram => 2200,
        _ => 280,
    };

    /// <summary>The pictures of the seeded posts: a flat illustration per subject (SVG, no text but a label).</summary>
    public static IResult Media(string file)
    {
        var (name, colour, label) = file switch
        {
            "parcel.svg" => ("parcel", "#c98b3c", "📦"),
            "savings.svg" => ("savings", "#2e7d5b", "€"),
            "mobile.svg" => ("mobile", "#1a4fa0", "5G"),
            "photo.svg" => ("photo", "#7b3fe4", "📷"),
            _ => (null, null, null),
        };
        if (name is null)
        {
            return TypedResults.Problem("The simulator has no such picture.", statusCode: StatusCodes.Status404NotFound);
        }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"480\" height=\"300\" viewBox=\"0 0 480 300\">"
            + $"<rect width=\"480\" height=\"300\" fill=\"{colour}\"/><circle cx=\"380\" cy=\"70\" r=\"120\" fill=\"#fff\" opacity=\".12\"/>"
            + "<rect x=\"24\" y=\"244\" width=\"150\" height=\"34\" rx=\"17\" fill=\"#f5c400\"/>"
            + "<text x=\"99\" y=\"267\" font-family=\"sans-serif\" font-size=\"17\" font-weight=\"700\" fill=\"#1a2a6c\" text-anchor=\"middle\">La Posta</text>"
            + $"<text x=\"240\" y=\"170\" font-family=\"sans-serif\" font-size=\"84\" fill=\"#fff\" text-anchor=\"middle\">{label}</text></svg>";
        return Results.Text(svg, "image/svg+xml");
    }
}
