namespace Parley.Identity;

/// <summary>
/// What a password set by an admin must be: long rather than clever (length is what resists guessing), and not the
/// advisor's own email. Stated once; the API and the console page both ask it.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 12;
    public const int MaxLength = 128;
    public const int MinDistinctCharacters = 5;

    public const string Rule = "A password has 12 to 128 characters, at least 5 different ones, and is not the advisor's email.";

    /// <summary>Null when the password may be used, else the rule it breaks.</summary>
    public static string? Problem(string? password, string email) =>
        password is null
            || password.Length is < MinLength or > MaxLength
            || password.Distinct().Count() < MinDistinctCharacters
            || string.Equals(password.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)
            ? Rule
            : null;
}
