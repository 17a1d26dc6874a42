namespace Parley.Routing;

public sealed class Queue
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }

    /// <summary>
    /// Sticky routing: a returning customer goes back to the advisor who last replied to them within this many seconds,
    /// when that advisor is online with room (0: off).
    /// </summary>
    public int StickySeconds { get; set; }
}
