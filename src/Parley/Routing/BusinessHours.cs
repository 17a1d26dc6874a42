using System.Globalization;

namespace Parley.Routing;

/// <summary>One opening period of a week day, local time of the schedule's time zone.</summary>
public sealed record OpeningSlot(DayOfWeek Day, TimeOnly From, TimeOnly To);

/// <summary>When advisors answer. Open hours are local to <see cref="TimeZone"/> (an IANA id such as Europe/Rome).</summary>
public sealed record BusinessHoursSchedule(string TimeZone, IReadOnlyList<OpeningSlot> Slots)
{
    public static readonly BusinessHoursSchedule AlwaysOpen = new("UTC",
        Enum.GetValues<DayOfWeek>().Select(d => new OpeningSlot(d, TimeOnly.MinValue, TimeOnly.MaxValue)).ToList());

    public static BusinessHoursSchedule Weekdays(string timeZone, TimeOnly from, TimeOnly to, TimeOnly? saturdayTo = null)
    {
        var slots = new List<OpeningSlot>();
        for (var day = DayOfWeek.Monday; day <= DayOfWeek.Friday; day++)
        {
            slots.Add(new OpeningSlot(day, from, to));
        }

        if (saturdayTo is { } until)
        {
            slots.Add(new OpeningSlot(DayOfWeek.Saturday, from, until));
        }

        return new BusinessHoursSchedule(timeZone, slots);
    }

    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    public bool IsOpen(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return Slots.Any(s => s.Day == local.DayOfWeek && time >= s.From && (time < s.To || s.To == TimeOnly.MaxValue));
    }

    /// <summary>The next moment the schedule opens, strictly after <paramref name="now"/> when closed; null if it never opens.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset now)
    {
        if (Slots.Count == 0)
        {
            return null;
        }

        var zone = Zone;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        for (var dayOffset = 0; dayOffset <= 7; dayOffset++)
        {
            var date = DateOnly.FromDateTime(local.DateTime).AddDays(dayOffset);
            foreach (var slot in Slots.Where(s => s.Day == date.DayOfWeek).OrderBy(s => s.From))
            {
                var start = date.ToDateTime(slot.From);
                if (start <= local.DateTime)
                {
                    continue;
                }

                return new DateTimeOffset(start, zone.GetUtcOffset(start));
            }
        }

        return null;
    }

    /// <summary>"Monday at 09:00": how a customer is told when advisors are back.</summary>
    public static string Describe(DateTimeOffset opening, DateTimeOffset now)
    {
        var days = (opening.Date - now.ToOffset(opening.Offset).Date).Days;
        var time = opening.ToString("HH:mm", CultureInfo.InvariantCulture);
        return days switch
        {
            0 => $"today at {time}",
            1 => $"tomorrow at {time}",
            _ => $"{opening.DayOfWeek} at {time}",
        };
    }
}
