using Parley.Channels;
using Parley.Channels.Media;
using Parley.Channels.WebMessaging;
using Parley.Console;

namespace Parley.Tests.Channels.Media;

/// <summary>What each channel carries: the attach button's types and the server's refusals come from the same table.</summary>
public sealed class ChannelFilesTests
{
    private const long Mb = 1024 * 1024;

    [Theory]
    [InlineData(ChannelKind.WebMessaging, "image/png,image/jpeg,image/gif,image/webp,application/pdf", "PNG, JPEG, GIF, WebP, PDF up to 10 MB")]
    [InlineData(ChannelKind.Messenger, "image/png,image/jpeg,image/gif,image/webp,application/pdf", "PNG, JPEG, GIF, WebP, PDF up to 10 MB")]
    [InlineData(ChannelKind.WhatsApp, "image/png,image/jpeg,image/gif,image/webp,application/pdf", "PNG, JPEG, GIF, WebP, PDF up to 10 MB")]
    [InlineData(ChannelKind.Instagram, "image/png,image/jpeg,image/gif", "PNG, JPEG, GIF up to 8 MB")]
    [InlineData(ChannelKind.X, "image/png,image/jpeg,image/gif,image/webp", "PNG, JPEG, WebP up to 5 MB; GIF up to 10 MB")]
    public void The_attach_button_offers_the_types_the_channel_carries_and_says_their_limits(ChannelKind channel, string accept, string limits)
    {
        Assert.Equal(accept, string.Join(",", AdvisorUploads.AcceptedTypes(channel)));
        Assert.Equal(limits, ChannelFiles.Limits(channel));
    }

    [Theory]
    [InlineData(ChannelKind.WebMessaging)]
    [InlineData(ChannelKind.Messenger)]
    [InlineData(ChannelKind.Instagram)]
    [InlineData(ChannelKind.WhatsApp)]
    [InlineData(ChannelKind.X)]
    public void Every_type_offered_is_accepted_at_its_limit_and_every_other_is_refused(ChannelKind channel)
    {
        foreach (var type in AttachmentRules.AllowedTypes)
        {
            var offered = AdvisorUploads.AcceptedTypes(channel).Contains(type);
            Assert.Equal(offered, ChannelFiles.Refusal(channel, type, ChannelFiles.MaxBytes(channel, type)) is null);
            Assert.NotNull(ChannelFiles.Refusal(channel, type, ChannelFiles.MaxBytes(channel, type) + 1));
        }
    }

    [Fact]
    public void X_takes_images_up_to_5_mb_gifs_up_to_parleys_limit_and_no_documents()
    {
        Assert.Null(ChannelFiles.Refusal(ChannelKind.X, "image/jpeg", 5 * Mb));
        Assert.Equal("X takes JPEG images of at most 5 MB: make this one smaller.", ChannelFiles.Refusal(ChannelKind.X, "image/jpeg", 5 * Mb + 1));
        Assert.Null(ChannelFiles.Refusal(ChannelKind.X, "image/gif", 10 * Mb));
        Assert.Equal(
            "X direct messages carry images (PNG, JPEG, GIF, WebP) and video only: a PDF document cannot go. Share a link in a reply instead.",
            ChannelFiles.Refusal(ChannelKind.X, "application/pdf", 1000));
        Assert.Equal("Instagram takes PNG images of at most 8 MB: make this one smaller.", ChannelFiles.Refusal(ChannelKind.Instagram, "image/png", 8 * Mb + 1));
    }
}
