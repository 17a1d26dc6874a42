using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Data;

/// <summary>
/// PostgreSQL's row source of one array per column (<see cref="Sql.AddColumns"/>), which routing's batch writes use: each
/// row comes back whole and in order, with nulls in value columns, a column of nulls only, times as UTC and enums by name.
/// </summary>
public sealed class SqlColumnsTests
{
    private enum Shade { Light, Dark }

    [Theory, OnPostgres]
    public async Task Rows_bound_as_one_array_per_column_read_back_whole_and_in_order(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await using var db = await app.Service<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var at = new DateTime(2026, 12, 6, 3, 4, 5, DateTimeKind.Utc);
        object?[][] rows =
        [
            [1L, "one", null, at, true, 0.5, null, Shade.Dark],
            [2L, null, 20L, at.AddDays(1), false, null, null, Shade.Light],
            [3L, "three", 30L, at.AddDays(2), true, 2.25, null, Shade.Dark],
        ];

        await using var command = db.Command();
        var source = command.AddColumns("p", "v", ["bigint", "text", "bigint", "timestamptz", "boolean", "double precision", "integer", "text"], rows);
        command.CommandText = $"SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8 FROM {source}";
        var read = new List<object?[]>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = new object?[8];
                for (var c = 0; c < row.Length; c++)
                {
                    row[c] = reader.IsDBNull(c) ? null : reader.GetValue(c);
                }

                read.Add(row);
            }
        }

        Assert.Equal(3, read.Count);
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r][0], read[r][0]);
            Assert.Equal(rows[r][1], read[r][1]);
            Assert.Equal(rows[r][2], read[r][2]);
            Assert.Equal((DateTime)rows[r][3]!, ((DateTime)read[r][3]!).ToUniversalTime());
            Assert.Equal(rows[r][4], read[r][4]);
            Assert.Equal(rows[r][5], read[r][5]);
            Assert.Null(read[r][6]);
            Assert.Equal(rows[r][7]!.ToString(), read[r][7]);
        }
    }

    [Fact]
    public void A_column_that_holds_two_types_is_refused_before_it_is_sent()
    {
        using var command = new Npgsql.NpgsqlCommand();
        var refused = Assert.Throws<ArgumentException>(() => command.AddColumns("p", "v", ["bigint"], [[1L], [2]]));
        Assert.Contains("Int64", refused.Message);
    }
}
