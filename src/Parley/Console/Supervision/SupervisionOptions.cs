using System.ComponentModel.DataAnnotations;

namespace Parley.Console.Supervision;

/// <summary>How the supervision view stays live.</summary>
public sealed class SupervisionOptions
{
    public const string Section = "Supervision";

    /// <summary>Events recompute a supervisor's view at most this often.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AtMostEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the view is recomputed with no event, for waits that grow with time alone.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WaitsEvery { get; set; } = TimeSpan.FromSeconds(5);
}
