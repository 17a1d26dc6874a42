using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;

namespace Parley.Data;

internal static partial class EngineStore
{
    /// <summary>
    /// PostgreSQL's count of the advisors' conversations in the <paramref name="statuses"/>, per advisor, account, channel
    /// and kind: the function <c>advisor_loads</c> (0037), which groups by hashing (sorting the groups' text keys cost about
    /// half the count on statistics that lag the assignments). In the context's transaction if it has one.
    /// </summary>
    public static async Task<List<(long AdvisorId, long AccountId, ChannelKind Channel, bool IsPublic, int Count)>> ReadLoadsAsync(
        ParleyDb db, IReadOnlyCollection<long> advisorIds, IReadOnlyCollection<ConversationStatus> statuses, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command("SELECT * FROM advisor_loads(@advisors, @statuses)");
        command.Add("@advisors", advisorIds.ToArray());
        command.Add("@statuses", statuses.Select(s => s.ToString()).ToArray());
        var rows = new List<(long, long, ChannelKind, bool, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.Enum<ChannelKind>(2), reader.GetBoolean(3), reader.GetInt32(4)));
        }

        return rows;
    }

    /// <summary>
    /// SQLite: the advisors' load versions (0038: moved by triggers whenever a conversation changes what its advisor's load
    /// is counted from), 0 for an advisor with none yet. One prepared lookup per advisor, in the connection's transaction.
    /// </summary>
    public static Dictionary<long, long> LoadVersions(SqliteConnection sqlite, IReadOnlyCollection<long> advisorIds)
    {
        var versions = new Dictionary<long, long>(advisorIds.Count);
        using var read = new SqliteStatement(sqlite, "SELECT version FROM advisor_load_versions WHERE advisor_id = ?1");
        foreach (var id in advisorIds)
        {
            read.Bind(1, id);
            versions[id] = read.ReadInt64() ?? 0;
        }

        return versions;
    }

    /// <summary>
    /// The advisors' load versions as committed now, without a lock (a plan's read: <see cref="Routing.KnownLoads.PlanLoadsAsync"/>),
    /// 0 for an advisor with none yet.
    /// </summary>
    public static async Task<Dictionary<long, long>> ReadLoadVersionsAsync(ParleyDb db, IReadOnlyCollection<long> advisorIds, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            return LoadVersions(sqlite, advisorIds);
        }

        var versions = advisorIds.ToDictionary(id => id, _ => 0L);
        await using var command = db.Command("SELECT advisor_id, version FROM advisor_load_versions WHERE advisor_id = ANY (@a)");
        command.Add("@a", advisorIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    /// <summary>
    /// PostgreSQL: a routing batch's claim of its advisors' load versions (0041), once it holds the advisors and their
    /// conversations: moves each version, in id order, and returns the versions as the batch leaves them. The batch's own
    /// assignments then move nothing more (parley.routing_commit, for this transaction only); a writer that changes an
    /// advisor's load meanwhile moves the version again when it commits, after this transaction ends.
    /// </summary>
    public static async Task<Dictionary<long, long>> ClaimLoadVersionsAsync(ParleyDb db, IReadOnlyCollection<long> advisorIds, CancellationToken cancellationToken)
    {
        await using var command = db.Command();
        command.Add("@a", advisorIds.ToArray());
        command.CommandText = "SELECT set_config('parley.routing_commit', 'on', true); "
            + "INSERT INTO advisor_load_versions AS v (advisor_id, version) "
            + "SELECT a, 1 FROM unnest(@a) AS a ORDER BY a ON CONFLICT (advisor_id) DO UPDATE SET version = v.version + 1 RETURNING advisor_id, version";
        var versions = new Dictionary<long, long>(advisorIds.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return versions;
    }
}
