namespace Parley.Routing;

public sealed class Queue
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
}
