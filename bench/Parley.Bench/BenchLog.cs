using System.Globalization;

namespace Parley.Bench;

/// <summary>Progress lines go to standard error, so that standard output holds only the report.</summary>
internal static class BenchLog
{
    public static void Write(string line) => System.Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {line}"));
}
