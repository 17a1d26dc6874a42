using System.Text;
using System.Text.Json;
using Parley.Bots.Understanding;

namespace Parley.Bench;

/// <summary>
/// Banking77 (PolyAI, CC BY 4.0; ../shared/data/banking77): CSV files with a header <c>text,category</c>, where a text may
/// be quoted and span lines. The 10-shot set is the first ten examples of each intent in file order.
/// </summary>
internal static class Banking77
{
    public const int Shots = 10;

    public static List<IntentExample> Read(string path)
    {
        var records = ParseCsv(File.ReadAllText(path));
        if (records.Count == 0 || records[0] is not ["text", "category"])
        {
            throw new InvalidDataException($"{path}: expected a header 'text,category'.");
        }

        return records.Skip(1).Where(r => r.Count == 2).Select(r => new IntentExample(r[0], r[1])).ToList();
    }

    public static List<IntentExample> FirstPerIntent(IEnumerable<IntentExample> examples, int count) =>
        examples.GroupBy(e => e.Intent).SelectMany(g => g.Take(count)).ToList();

    public static void WriteJsonLines(string path, IEnumerable<IntentExample> examples)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        foreach (var example in examples)
        {
            writer.WriteLine(JsonSerializer.Serialize(new { text = example.Text, intent = example.Intent }));
        }
    }

    // RFC 4180: fields separated by commas, quoted fields may hold commas, line breaks and doubled quotes.
    private static List<List<string>> ParseCsv(string content)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < content.Length && content[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    break;
                case '\n':
                    record.Add(field.ToString().TrimEnd('\r'));
                    field.Clear();
                    records.Add(record);
                    record = [];
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
