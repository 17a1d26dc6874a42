namespace Parley.Channels.WebMessaging;

/// <summary>A website inbox's own settings: the key its widget is installed with and the secret that signs its users.</summary>
public sealed class WebWidget
{
    public long InboxId { get; set; }

    /// <summary>The identifier a website puts in the widget's data-inbox attribute; public.</summary>
    public required string PublicKey { get; set; }

    /// <summary>Secret shared with the website to sign its signed-in user ids (HMAC-SHA256).</summary>
    public required string IdentitySecret { get; set; }
}
