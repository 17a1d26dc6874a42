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
    /// Adds the ids as one parameter and returns the condition that <paramref name="column"/> is one of them: an array on
    /// PostgreSQL (<c>= ANY</c>), a JSON array read with <c>json_each</c> on SQLite. A long list then binds one parameter,
    /// where an <c>IN</c> list of one per id costs SQLite a search by name for each.
    /// </summary>
    public static string AddIdSet(this DbCommand command, string name, string column, IReadOnlyCollection<long> ids)
    {
        if (command is Microsoft.Data.Sqlite.SqliteCommand)
        {
            command.Add(name, System.Text.Json.JsonSerializer.Serialize(ids));
            return $"{column} IN (SELECT value FROM json_each({name}))";
        }

        command.Add(name, ids.ToArray());
        return $"{column} = ANY({name})";
    }

    /// <summary>
    /// PostgreSQL: binds rows as one array parameter per column and returns <c>unnest(@p0::type[], …) AS alias(column1, …)</c>,
    /// a row source of as many columns as <paramref name="types"/> names, for <c>INSERT … SELECT</c> or <c>UPDATE … FROM</c>.
    /// A statement of a thousand rows then binds a handful of parameters instead of one per value, and the server plans
    /// one function scan instead of a thousand-row <c>VALUES</c> list. Each column's array has the element type of its
    /// values as <see cref="Stored"/> gives them (nullable when one is null); a column of nulls only is sent as text, and
    /// the cast to the column's <paramref name="types"/> entry gives it its type.
    /// </summary>
    public static string AddColumns(this DbCommand command, string prefix, string alias, IReadOnlyList<string> types, IReadOnlyCollection<object?[]> rows)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("A row source needs at least one row.", nameof(rows));
        }

        var arrays = new StringBuilder("unnest(");
        for (var c = 0; c < types.Count; c++)
        {
            var values = rows.Select(row => Stored(row[c])).ToArray();
            var name = command.Add(string.Create(CultureInfo.InvariantCulture, $"@{prefix}{c}"), Column(values)).ParameterName;
            arrays.Append(c == 0 ? "" : ", ").Append(name).Append("::").Append(types[c]).Append("[]");
        }

        arrays.Append(") AS ").Append(alias).Append('(');
        for (var c = 0; c < types.Count; c++)
        {
            arrays.Append(c == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"column{c + 1}");
        }

        return arrays.Append(')').ToString();
    }

    /// <summary>The column's values as an array of their own type (of its nullable form when one is null).</summary>
    private static Array Column(object?[] values)
    {
        var type = values.FirstOrDefault(v => v is not null)?.GetType() ?? typeof(string);
        var element = type.IsValueType && values.Any(v => v is null) ? typeof(Nullable<>).MakeGenericType(type) : type;
        var array = Array.CreateInstance(element, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } value && value.GetType() != type)
            {
                throw new ArgumentException($"A column holds both {type.Name} and {value.GetType().Name} values.", nameof(values));
            }

            array.SetValue(values[i], i);
        }

        return array;
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
