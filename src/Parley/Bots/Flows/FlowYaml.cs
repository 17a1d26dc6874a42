using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Parley.Bots.Flows;

/// <summary>A flow read from YAML failed: the line and column, and what was wrong there.</summary>
public sealed class FlowYamlException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Flows as YAML, so they can be kept as code, exported and imported: snake_case names and values
/// (<c>type: ask</c>, <c>expect: parcel_number</c>), defaults left out, an unknown field refused with its line.
/// </summary>
public static class FlowYaml
{
    private static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithEnumNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    private static readonly ISerializer Writer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithEnumNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitDefaults | DefaultValuesHandling.OmitEmptyCollections | DefaultValuesHandling.OmitNull)
        .DisableAliases()
        .Build();

    public static FlowDocument Read(string yaml)
    {
        try
        {
            return Reader.Deserialize<FlowDocument?>(yaml) ?? throw new FlowYamlException("The file holds no flow.");
        }
        catch (YamlException e)
        {
            // YamlDotNet wraps the cause (an unknown field, a bad value) in a message that repeats the position.
            var cause = e.InnerException is { } inner ? inner.Message : e.Message;
            throw new FlowYamlException($"Line {e.Start.Line}, column {e.Start.Column}: {Plain(cause)}", e);
        }
    }

    public static string Write(FlowDocument flow) => Writer.Serialize(flow);

    private static string Plain(string message)
    {
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        var plain = message.StartsWith('(') && cut > 0 ? message[(cut + 3)..] : message;
        return plain.StartsWith("Requested value '", StringComparison.Ordinal) && plain.EndsWith("' was not found.", StringComparison.Ordinal)
            ? $"'{plain[17..^16]}' is not one of the values this field takes."
            : plain;
    }
}
