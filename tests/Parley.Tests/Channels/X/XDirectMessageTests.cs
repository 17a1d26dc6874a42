using System.Text.Json;
using Parley.Channels.X;
using Parley.Conversations;

namespace Parley.Tests.Channels.X;

public sealed class XDirectMessageTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void A_message_create_gives_its_ids_text_and_quick_reply_answer()
    {
        var dm = XDirectMessage.Parse(Json("""
            {"type": "message_create", "id": "1234858592", "created_timestamp": "1392078023603",
             "message_create": {"target": {"recipient_id": "4337869213"}, "sender_id": "3805104374", "source_app_id": "268278",
              "message_data": {"text": "Blue\u0000 Bird", "entities": {"hashtags": [], "symbols": [], "urls": [], "user_mentions": []},
               "quick_reply_response": {"type": "options", "metadata": "external_id_2"}}}}
            """));

        Assert.NotNull(dm);
        Assert.Equal(("1234858592", "3805104374", "4337869213", "Blue Bird", "external_id_2"), (dm.Id, dm.SenderId, dm.RecipientId, dm.Text, dm.QuickReply));
        Assert.Empty(dm.Media);
    }

    [Fact]
    public void A_video_is_its_best_mp4_and_other_event_types_are_not_messages()
    {
        var dm = XDirectMessage.Parse(Json("""
            {"type": "message_create", "id": "1", "message_create": {"target": {"recipient_id": "2"}, "sender_id": "3",
              "message_data": {"text": "https://t.co/v", "attachment": {"type": "media", "media": {"id_str": "9", "type": "video", "url": "https://t.co/v",
                "media_url_https": "https://pbs.twimg.com/thumb.jpg", "video_info": {"variants": [
                  {"bitrate": 256000, "content_type": "video/mp4", "url": "https://video.twimg.com/low.mp4"},
                  {"content_type": "application/x-mpegURL", "url": "https://video.twimg.com/pl.m3u8"},
                  {"bitrate": 832000, "content_type": "video/mp4", "url": "https://video.twimg.com/high.mp4"}]}}}}}}
            """))!;

        Assert.Equal(string.Empty, dm.Text);
        Assert.Equal([new ChannelMedia(MediaKind.Video, "https://video.twimg.com/high.mp4", "9")], dm.Media);
        Assert.Null(XDirectMessage.Parse(Json("""{"type": "welcome_message", "id": "1"}""")));
    }

    [Theory]
    [InlineData("""{"type": "message_create", "message_create": {"sender_id": "1", "target": {"recipient_id": "2"}}}""")]
    [InlineData("""{"type": "message_create", "id": "1", "message_create": {"sender_id": "1"}}""")]
    [InlineData("""{"type": "message_create", "id": "1", "message_create": {"sender_id": "-1", "target": {"recipient_id": "2"}}}""")]
    [InlineData("""{"type": "message_create", "id": "1", "message_create": []}""")]
    [InlineData("""[]""")]
    public void A_message_create_without_its_ids_is_not_in_xs_format(string json)
    {
        Assert.Throws<XPayloadException>(() => XDirectMessage.Parse(Json(json)));
    }
}
