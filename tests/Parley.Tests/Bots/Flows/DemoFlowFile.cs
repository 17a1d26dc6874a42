namespace Parley.Tests.Bots.Flows;

/// <summary>The demo workspace's flow, as the product ships it.</summary>
internal static class DemoFlowFile
{
    public static readonly string Path = System.IO.Path.Combine(AppContext.BaseDirectory, "demo-flow.yaml");

    public static string Yaml => File.ReadAllText(Path);
}
