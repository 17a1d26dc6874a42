namespace Parley.Hosting;

/// <summary>
/// The host's own command line: <c>dotnet run --project src/Parley -- GROUP ...</c> runs a command and exits, with no
/// server and, unless the command needs one, no database. Anything else (no arguments, or options such as
/// <c>--urls</c>) starts the server.
/// </summary>
public static class ParleyCommands
{
    /// <summary>A command group: its arguments after the group's name, where to print, and its exit code.</summary>
    public delegate Task<int> Command(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken);

    private static readonly Dictionary<string, Command> Groups = new(StringComparer.Ordinal)
    {
        ["flows"] = Bots.Flows.FlowsCommand.RunAsync,
        ["nlu"] = NluCommand.RunAsync,
    };

    /// <summary>
    /// A file named on the command line, relative to where the command was typed: <c>dotnet run --project</c> runs the host
    /// in its project's folder, but the shell's <c>PWD</c> still says where the user was.
    /// </summary>
    public static string ResolvePath(string path)
    {
        if (Path.IsPathRooted(path) || Environment.GetEnvironmentVariable("PWD") is not { Length: > 0 } typedIn)
        {
            return path;
        }

        var fromShell = Path.Combine(typedIn, path);
        return File.Exists(fromShell) || !File.Exists(path) ? fromShell : path;
    }

    public static bool Handles(string[] args) => args.Length > 0 && Groups.ContainsKey(args[0]);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!Handles(args))
        {
            await error.WriteLineAsync($"Unknown command. Commands: {string.Join(", ", Groups.Keys.Order(StringComparer.Ordinal))}.");
            return 2;
        }

        return await Groups[args[0]](args[1..], output, error, cancellationToken);
    }
}
