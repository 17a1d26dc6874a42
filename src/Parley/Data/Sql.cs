using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Parley.Data;

/// <summary>
/// Hand-written SQL on a context's connection, inside its current transaction, for the hot paths (storing and
/// processing inbound messages) where EF Core's work per statement costs more than the statement itself. The SQL
/// is the common subset of SQLite and PostgreSQL; values are always parameters. Enums are stored by name and times
/// as UTC, as the EF mapping does (<see cref="ParleyDb"/>), so rows written here read back the same through EF.
/// </summary>
internal static class Sql
{
    public static DbCommand Command(this ParleyDb db, string text = "")
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = text;
        if (command.Connection!.State != System.Data.ConnectionState.Open)
        {
            throw new InvalidOperationException("Open the context's connection (or begin its transaction) before hand-written SQL.");
        }

        // Writes always run inside the caller's transaction; a read may run without one.
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    /// <summary>The literal for "not processed" that the partial index on unprocessed messages matches.</summary>
    public static string Unprocessed(this ParleyDb db) => db.Database.IsNpgsql() ? "NOT processed" : "processed = 0";

    public static DbParameter Add(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Set(value);
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Sets a parameter's value as the EF mapping stores it (enum by name, time as UTC, null as DBNull).</summary>
    public static void Set(this DbParameter parameter, object? value) => parameter.Value = Stored(value) ?? DBNull.Value;

    /// <summary>A value as the EF mapping stores it: enum by name, time as UTC, anything else as it is.</summary>
    public static object? Stored(object? value) => value switch
    {
        Enum e => e.ToString(),
        DateTime t => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc),
        _ => value,
    };

    /// <summary>Adds one parameter per value and returns their names for an <c>IN (…)</c> list.</summary>
    public static string AddList<T>(this DbCommand command, string prefix, IEnumerable<T> values)
    {
        var names = new StringBuilder();
        var i = 0;
        foreach (var value in values)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{i++}");
            command.Add(name, value);
            names.Append(names.Length == 0 ? "" : ", ").Append(name);
        }

        return i == 0 ? throw new ArgumentException("An IN list needs at least one value.", nameof(values)) : names.ToString();
    }

    /// <summary>
    /// Adds one id and one value parameter per row and returns <c>CASE id WHEN … THEN … END</c> and the ids' IN list,
    /// for an UPDATE that sets a different value on each row.
    /// </summary>
    public static (string Case, string Ids) AddCaseById<T>(this DbCommand command, string prefix, IReadOnlyList<(long Id, T Value)> rows)
    {
        var cases = new StringBuilder("CASE id");
        var ids = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var id = command.Add(string.Create(CultureInfo.InvariantCulture, $"@{prefix}i{i}"), rows[i].Id).ParameterName;
            var value = command.Add(string.Create(CultureInfo.InvariantCulture, $"@{prefix}v{i}"), rows[i].Value).ParameterName;
            cases.Append(" WHEN ").Append(id).Append(" THEN ").Append(value);
            ids.Append(i == 0 ? "" : ", ").Append(id);
        }

        return rows.Count == 0 ? throw new ArgumentException("A CASE needs at least one row.", nameof(rows)) : (cases.Append(" END").ToString(), ids.ToString());
    }

    public static DateTime Utc(this DbDataReader reader, int ordinal) => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static TEnum Enum<TEnum>(this DbDataReader reader, int ordinal) where TEnum : struct, Enum =>
        System.Enum.Parse<TEnum>(reader.GetString(ordinal));
}
