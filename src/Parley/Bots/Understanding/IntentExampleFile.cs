using System.Text.Json;

namespace Parley.Bots.Understanding;

/// <summary>A file or line that could not be read as examples; the message names the file and the line.</summary>
public sealed class IntentExampleFileException(string message) : Exception(message);

/// <summary>Reads JSON Lines of <c>{"text": "...", "intent": "..."}</c>, one example per line; blank lines are skipped.</summary>
public static class IntentExampleFile
{
    private sealed record Line(string? Text, string? Intent);

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static async Task<List<IntentExample>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new IntentExampleFileException($"{path}: no such file.");
        }

        var examples = new List<IntentExample>();
        var number = 0;
        foreach (var text in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            examples.Add(Parse(text, path, number));
        }

        return examples;
    }

    private static IntentExample Parse(string text, string path, int number)
    {
        Line? line;
        try
        {
            line = JsonSerializer.Deserialize<Line>(text, Options);
        }
        catch (JsonException e)
        {
            throw new IntentExampleFileException($"{path}:{number}: not a JSON object ({e.Message.Split('.')[0]}).");
        }

        if (line?.Text is null || string.IsNullOrWhiteSpace(line.Intent))
        {
            throw new IntentExampleFileException($"{path}:{number}: expected {{\"text\": \"...\", \"intent\": \"...\"}} with both strings.");
        }

        return new IntentExample(line.Text, line.Intent);
    }
}
