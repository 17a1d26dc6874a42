using Parley.Channels;
using Parley.Console;

namespace Parley.Tests.Console;

/// <summary>The console URL's query string carries the whole filter and the view, there and back.</summary>
public sealed class ConsoleUrlTests
{
    [Fact]
    public void Every_filter_survives_a_round_trip_through_the_url()
    {
        var filter = new ConversationFilter
        {
            Status = StatusFilter.WaitingForCustomer,
            Accounts = [3, 1],
            Channels = [ChannelKind.WhatsApp, ChannelKind.X],
            Queues = [7],
            Assignment = AssignmentFilter.Advisor,
            AssigneeId = 12,
            WaitingMinutes = 15,
            UnreadOnly = true,
            Visibility = VisibilityFilter.Public,
            Sentiment = Tone.Negative,
            Tags = ["late delivery", "vip"],
            Search = "colis & \"perdu\" ?=#",
        };

        var query = ConsoleUrl.Format(filter, viewId: 9);
        var parsed = ConsoleUrl.Parse("?" + query, out var errors);

        Assert.Empty(errors);
        Assert.Equal(9, parsed.ViewId);
        Assert.Equal(query, ConsoleUrl.Format(parsed.Filter, parsed.ViewId));
        Assert.Equal(filter.Status, parsed.Filter.Status);
        Assert.Equal(filter.Accounts, parsed.Filter.Accounts);
        Assert.Equal(filter.Channels, parsed.Filter.Channels);
        Assert.Equal(filter.Queues, parsed.Filter.Queues);
        Assert.Equal((AssignmentFilter.Advisor, 12L), (parsed.Filter.Assignment, parsed.Filter.AssigneeId!.Value));
        Assert.Equal(filter.Tags, parsed.Filter.Tags);
        Assert.Equal(filter.Search, parsed.Filter.Search);
        Assert.Equal((15, true, VisibilityFilter.Public, Tone.Negative), (parsed.Filter.WaitingMinutes!.Value, parsed.Filter.UnreadOnly, parsed.Filter.Visibility, parsed.Filter.Sentiment!.Value));
    }

    [Fact]
    public void The_default_filter_is_an_empty_query_and_a_shared_link_reads_as_written()
    {
        Assert.Equal("", ConsoleUrl.Format(new ConversationFilter()));
        var parsed = ConsoleUrl.Parse("status=open&channel=whatsapp&q=parcel&view=7&assigned=me", out var errors);
        Assert.Empty(errors);
        Assert.Equal((StatusFilter.Open, ChannelKind.WhatsApp, "parcel", 7L, AssignmentFilter.Me),
            (parsed.Filter.Status, parsed.Filter.Channels.Single(), parsed.Filter.Search!, parsed.ViewId!.Value, parsed.Filter.Assignment));
        Assert.Equal("channel=whatsapp&assigned=me&q=parcel&view=7", ConsoleUrl.Format(parsed.Filter, parsed.ViewId));
        Assert.False(ConsoleUrl.HasFilters("?view=7"));
        Assert.True(ConsoleUrl.HasFilters("?view=7&q=x"));
    }

    [Theory]
    [InlineData("status=1")]
    [InlineData("status=sleeping")]
    [InlineData("channel=fax")]
    [InlineData("queue=-3")]
    [InlineData("assigned=advisor")]
    [InlineData("waiting=0")]
    [InlineData("waiting=abc")]
    [InlineData("unread=maybe")]
    [InlineData("sentiment=angry")]
    [InlineData("tag=%3Cb%3E")]
    [InlineData("view=x")]
    [InlineData("status=open&status=all")]
    [InlineData("colour=red")]
    public void A_bad_value_is_named_and_the_rest_kept(string query)
    {
        var parsed = ConsoleUrl.Parse(query + "&q=kept", out var errors);
        Assert.Single(errors);
        Assert.Equal("kept", parsed.Filter.Search);
    }

    [Theory]
    [InlineData("console?status=all&channel=whatsapp", "/console/42?status=all&channel=whatsapp")]
    [InlineData("console/7?q=parcel&view=3", "/console/42?q=parcel&view=3")]
    [InlineData("console", "/console/42")]
    [InlineData("console/7", "/console/42")]
    [InlineData("console?", "/console/42")]
    [InlineData("console/supervision?account=1", "/console/42")]
    [InlineData("console/admin?tab=teams", "/console/42")]
    [InlineData("consoles?status=all", "/console/42")]
    [InlineData("", "/console/42")]
    public void A_conversation_opened_from_the_top_bar_keeps_the_console_list_query_only_on_the_console_page(string from, string expected) =>
        Assert.Equal(expected, ConsoleUrl.ConversationFrom(from, 42));
}
