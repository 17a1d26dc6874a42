using Parley.Demo;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Demo;

public sealed class DemoParcelsTests
{
    [Fact]
    public void Every_parcel_tells_its_story_in_order_and_in_the_past()
    {
        var now = TestClock.WeekdayMorning;
        for (var i = 0; i < 2000; i++)
        {
            var parcel = DemoParcels.Find(DemoParcels.Normalize($"CP{i:D9}DE")!, now)!;

            var times = parcel.Events.Select(e => e.At).ToList();
            Assert.Equal(times.Order(), times);
            Assert.True(times[^1] <= now && times[^1] == parcel.UpdatedAt, parcel.Number);
            Assert.True(parcel.PickupPoint is null || parcel.PickupPoint.CollectBefore > now, parcel.Number);
        }
    }
}
