namespace Parley.Channels.Media;

/// <summary>Where this deployment is reached from the internet (section Parley): the platforms fetch files from there.</summary>
public sealed class PublicAddressOptions
{
    public const string Section = "Parley";

    /// <summary>
    /// The deployment's public base address, for example <c>https://care.example.com</c> (a path is kept:
    /// <c>https://example.com/care</c>). Unset, no file goes to a push channel.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The address as a base to append paths to, or null when none is set.</summary>
    public Uri? BaseUri =>
        Uri.TryCreate(PublicUrl?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/")
            : null;
}

/// <summary>How the file links handed to the platforms behave (section Channels:Media).</summary>
public sealed class MediaOptions
{
    public const string Section = "Channels:Media";

    /// <summary>How long a link works: enough for the platform's fetch and its retries, short enough not to be a lasting address.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(1);
}
