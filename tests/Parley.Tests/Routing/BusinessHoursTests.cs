using Parley.Routing;

namespace Parley.Tests.Routing;

public sealed class BusinessHoursTests
{
    // Paris office: weekdays 08:00-20:00, Saturday 08:00-13:00 (the demo schedule).
    private static readonly BusinessHoursSchedule Paris =
        BusinessHoursSchedule.Weekdays("Europe/Paris", new TimeOnly(8, 0), new TimeOnly(20, 0), saturdayTo: new TimeOnly(13, 0));

    [Theory]
    [InlineData("2026-11-25T07:00:00Z", true)]   // Wednesday 08:00 Paris (UTC+1): opens
    [InlineData("2026-11-25T06:59:59Z", false)]  // 07:59:59 Paris
    [InlineData("2026-11-25T18:59:00Z", true)]   // 19:59 Paris
    [InlineData("2026-11-25T19:00:00Z", false)]  // 20:00 Paris: closed
    [InlineData("2026-11-28T11:30:00Z", true)]   // Saturday 12:30 Paris
    [InlineData("2026-11-28T12:00:00Z", false)]  // Saturday 13:00 Paris
    [InlineData("2026-11-29T10:00:00Z", false)]  // Sunday
    [InlineData("2026-07-15T06:30:00Z", true)]   // summer time (UTC+2): 08:30 Paris
    [InlineData("2026-07-15T18:30:00Z", false)]  // 20:30 Paris in summer, yet 18:30 UTC
    public void Open_hours_are_local_to_the_schedules_time_zone(string utc, bool open)
    {
        Assert.Equal(open, Paris.IsOpen(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Next_opening_after_friday_evening_is_saturday_morning_local_time()
    {
        var fridayNight = new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.Zero);

        var next = Paris.NextOpening(fridayNight);

        Assert.Equal(new DateTimeOffset(2026, 11, 28, 7, 0, 0, TimeSpan.Zero), next!.Value.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(1), next.Value.Offset);
        Assert.Equal("tomorrow at 08:00", BusinessHoursSchedule.Describe(next.Value, fridayNight));
    }

    [Fact]
    public void Next_opening_after_saturday_closing_is_named_by_its_day()
    {
        var saturdayAfternoon = new DateTimeOffset(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

        var next = Paris.NextOpening(saturdayAfternoon)!.Value;

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.Zero), next.ToUniversalTime());
        Assert.Equal("Monday at 08:00", BusinessHoursSchedule.Describe(next, saturdayAfternoon));
    }

    [Fact]
    public void Next_opening_on_sunday_is_monday_and_is_described_as_tomorrow()
    {
        var sunday = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

        var next = Paris.NextOpening(sunday);

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.Zero), next!.Value.ToUniversalTime());
        Assert.Equal("tomorrow at 08:00", BusinessHoursSchedule.Describe(next.Value, sunday));
    }

    [Fact]
    public void Next_opening_before_the_morning_is_today()
    {
        var early = new DateTimeOffset(2026, 11, 25, 5, 0, 0, TimeSpan.Zero); // 06:00 Paris

        var next = Paris.NextOpening(early)!.Value;

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero), next.ToUniversalTime());
        Assert.Equal("today at 08:00", BusinessHoursSchedule.Describe(next, early));
    }

    [Fact]
    public void Next_opening_across_the_spring_clock_change_uses_the_new_offset()
    {
        // Saturday 28 March 2026 after closing; clocks go forward on Sunday 29 March; Monday opens at 08:00 CEST = 06:00 UTC.
        var saturdayEvening = new DateTimeOffset(2026, 3, 28, 18, 0, 0, TimeSpan.Zero);

        var next = Paris.NextOpening(saturdayEvening)!.Value;

        Assert.Equal(new DateTimeOffset(2026, 3, 30, 6, 0, 0, TimeSpan.Zero), next.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(2), next.Offset);
    }

    [Fact]
    public void A_different_zone_gives_a_different_answer_for_the_same_instant()
    {
        var newYork = BusinessHoursSchedule.Weekdays("America/New_York", new TimeOnly(9, 0), new TimeOnly(17, 0));
        var instant = new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero); // 16:00 Paris, 10:00 New York

        Assert.True(newYork.IsOpen(instant));
        Assert.False(newYork.IsOpen(instant.AddHours(8))); // 18:00 New York
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 0, 0, TimeSpan.Zero), newYork.NextOpening(instant.AddHours(8))!.Value.ToUniversalTime());
    }

    [Fact]
    public void Always_open_is_open_at_midnight_and_an_empty_schedule_never_opens()
    {
        var midnight = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        Assert.True(BusinessHoursSchedule.AlwaysOpen.IsOpen(midnight));
        Assert.True(BusinessHoursSchedule.AlwaysOpen.IsOpen(midnight.AddTicks(-1)));

        var never = new BusinessHoursSchedule("Europe/Paris", []);
        Assert.False(never.IsOpen(midnight));
        Assert.Null(never.NextOpening(midnight));
    }
}
