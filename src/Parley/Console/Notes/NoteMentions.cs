namespace Parley.Console.Notes;

/// <summary>
/// Who a note names: <c>@</c> followed by an advisor's display name (as the composer's autocomplete inserts it), ignoring
/// case, and not followed by a letter or digit (so <c>@Marie</c> does not name a "Mari"). Names may hold spaces
/// ("Sam (supervisor)"); when two names both match at one <c>@</c>, the longer wins.
/// </summary>
public static class NoteMentions
{
    public static IReadOnlyList<long> Find(string body, IReadOnlyList<Mentionable> advisors)
    {
        var found = new List<long>();
        var byLength = advisors.Where(a => a.DisplayName.Length > 0).OrderByDescending(a => a.DisplayName.Length).ToList();
        for (var at = body.IndexOf('@'); at >= 0; at = body.IndexOf('@', at + 1))
        {
            // An email address (someone@example.com) names nobody.
            if (at > 0 && char.IsLetterOrDigit(body[at - 1]))
            {
                continue;
            }

            var named = byLength.FirstOrDefault(a => NamedAt(body, at + 1, a.DisplayName));
            if (named is not null && !found.Contains(named.Id))
            {
                found.Add(named.Id);
            }
        }

        return found;
    }

    private static bool NamedAt(string body, int start, string name) =>
        body.Length - start >= name.Length
        && string.Compare(body, start, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
        && (start + name.Length == body.Length || !char.IsLetterOrDigit(body[start + name.Length]));
}
