using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Parley.Channels;

namespace Parley.Console;

/// <summary>What a console URL's query says: the list's filter and the saved view it came from.</summary>
public sealed record ConsoleQuery(ConversationFilter Filter, long? ViewId = null);

/// <summary>
/// The console URL's query string (<c>/console/42?status=all&amp;channel=whatsapp&amp;q=parcel&amp;view=7</c>), both ways; a
/// saved view stores the same string. Only what differs from the default filter is written, in a fixed order.
/// </summary>
public static class ConsoleUrl
{
    public const int MaxSearchLength = 200;
    public const int MaxValues = 20;

    private static readonly string[] Keys = ["status", "account", "channel", "queue", "assigned", "waiting", "unread", "visibility", "sentiment", "tag", "q", "view"];

    /// <summary>The query string (no "?"), empty for the default filter.</summary>
    public static string Format(ConversationFilter filter, long? viewId = null)
    {
        var parts = new List<(string Key, string Value)>();
        if (filter.Status != StatusFilter.Open)
        {
            parts.Add(("status", Name(filter.Status)));
        }

        parts.AddRange(filter.Accounts.Select(a => ("account", Number(a))));
        parts.AddRange(filter.Channels.Select(c => ("channel", c.ToString().ToLowerInvariant())));
        parts.AddRange(filter.Queues.Select(q => ("queue", Number(q))));
        if (filter.Assignment != AssignmentFilter.Anyone)
        {
            parts.Add(("assigned", filter.Assignment == AssignmentFilter.Advisor ? Number(filter.AssigneeId ?? 0) : Name(filter.Assignment)));
        }

        if (filter.WaitingMinutes is { } waiting)
        {
            parts.Add(("waiting", Number(waiting)));
        }

        if (filter.UnreadOnly)
        {
            parts.Add(("unread", "1"));
        }

        if (filter.Visibility != VisibilityFilter.Any)
        {
            parts.Add(("visibility", Name(filter.Visibility)));
        }

        if (filter.Sentiment is { } tone)
        {
            parts.Add(("sentiment", Name(tone)));
        }

        parts.AddRange(filter.Tags.Select(t => ("tag", t)));
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            parts.Add(("q", filter.Search.Trim()));
        }

        if (viewId is { } view)
        {
            parts.Add(("view", Number(view)));
        }

        return string.Join('&', parts.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
    }

    /// <summary>Reads a query string (with or without "?"); an unknown key or a bad value is an error, named.</summary>
    public static ConsoleQuery Parse(string? query, out IReadOnlyList<string> errors)
    {
        var found = new List<string>();
        var values = QueryHelpers.ParseQuery(query);
        var filter = new ConversationFilter();
        long? view = null;
        foreach (var (key, value) in values)
        {
            if (!Keys.Contains(key))
            {
                found.Add($"Unknown filter '{key}'.");
                continue;
            }

            if (value.Count > MaxValues)
            {
                found.Add($"At most {MaxValues} values of '{key}'.");
                continue;
            }

            filter = key switch
            {
                "status" => One(value, key, found, v => Enum<StatusFilter>(v), s => filter with { Status = s }, filter),
                "account" => filter with { Accounts = Many(value, key, found, Id) },
                "channel" => filter with { Channels = Many(value, key, found, v => Enum<ChannelKind>(v)) },
                "queue" => filter with { Queues = Many(value, key, found, Id) },
                "assigned" => One(value, key, found, Assigned, a => filter with { Assignment = a.Kind, AssigneeId = a.Id }, filter),
                "waiting" => One(value, key, found, v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is > 0 and <= 60 * 24 * 365 ? m : (int?)null, m => filter with { WaitingMinutes = m }, filter),
                "unread" => One(value, key, found, v => v is "1" or "true" ? true : v is "0" or "false" ? false : (bool?)null, u => filter with { UnreadOnly = u }, filter),
                "visibility" => One(value, key, found, v => Enum<VisibilityFilter>(v), v => filter with { Visibility = v }, filter),
                "sentiment" => One(value, key, found, v => Enum<Tone>(v), t => filter with { Sentiment = t }, filter),
                "tag" => filter with { Tags = Many(value, key, found, ConversationTags.Normalize) },
                "q" => One(value, key, found, v => v.Length <= MaxSearchLength ? v.Trim() : null, q => filter with { Search = q.Length == 0 ? null : q }, filter),
                _ => filter,
            };
            if (key == "view")
            {
                view = One(value, key, found, Id, v => (long?)v, null);
            }
        }

        errors = found;
        return new ConsoleQuery(filter, view);
    }

    /// <summary>True when the query names filters (not only a view).</summary>
    public static bool HasFilters(string? query) => QueryHelpers.ParseQuery(query).Keys.Any(k => k != "view");

    /// <summary>
    /// Where a conversation opened from the top bar (a help request, a mention) goes, from the page at
    /// <paramref name="relativeUri"/> (relative to the base, as <c>NavigationManager.ToBaseRelativePath</c> gives it): on
    /// the console page the list keeps its query (filter and view), anywhere else the conversation opens in the default list.
    /// </summary>
    public static string ConversationFrom(string relativeUri, long conversationId)
    {
        var split = relativeUri.IndexOf('?', StringComparison.Ordinal);
        var path = (split < 0 ? relativeUri : relativeUri[..split]).TrimEnd('/');
        var onConsole = path.Equals("console", StringComparison.OrdinalIgnoreCase)
            || (path.StartsWith("console/", StringComparison.OrdinalIgnoreCase) && path.Length > 8 && path[8..].All(char.IsAsciiDigit));
        var query = onConsole && split >= 0 ? relativeUri[split..] : "";
        return $"/console/{conversationId.ToString(CultureInfo.InvariantCulture)}{(query.Length > 1 ? query : "")}";
    }

    private static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static T? Enum<T>(string value)
        where T : struct, Enum =>
        !value.Any(char.IsDigit) && System.Enum.TryParse<T>(value, ignoreCase: true, out var parsed) ? parsed : null;

    private static long? Id(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private static (AssignmentFilter Kind, long? Id)? Assigned(string value) =>
        Id(value) is { } advisor ? (AssignmentFilter.Advisor, advisor)
        : Enum<AssignmentFilter>(value) is { } kind and not AssignmentFilter.Advisor ? (kind, null)
        : null;

    private static TResult One<TValue, TResult>(StringValues values, string key, List<string> errors, Func<string, TValue?> parse, Func<TValue, TResult> apply, TResult otherwise)
        where TValue : struct
    {
        if (values.Count != 1 || parse(values[0] ?? "") is not { } parsed)
        {
            errors.Add($"Bad value for '{key}'.");
            return otherwise;
        }

        return apply(parsed);
    }

    private static TResult One<TResult>(StringValues values, string key, List<string> errors, Func<string, string?> parse, Func<string, TResult> apply, TResult otherwise)
    {
        if (values.Count != 1 || parse(values[0] ?? "") is not { } parsed)
        {
            errors.Add($"Bad value for '{key}'.");
            return otherwise;
        }

        return apply(parsed);
    }

    private static List<T> Many<T>(StringValues values, string key, List<string> errors, Func<string, T?> parse)
        where T : struct
    {
        var parsed = values.Select(v => parse(v ?? "")).ToList();
        if (parsed.Any(p => p is null))
        {
            errors.Add($"Bad value for '{key}'.");
        }

        return parsed.OfType<T>().Distinct().ToList();
    }

    private static List<string> Many(StringValues values, string key, List<string> errors, Func<string, string?> parse)
    {
        var parsed = values.Select(v => parse(v ?? "")).ToList();
        if (parsed.Any(p => p is null))
        {
            errors.Add($"Bad value for '{key}'.");
        }

        return parsed.OfType<string>().Distinct().ToList();
    }
}
