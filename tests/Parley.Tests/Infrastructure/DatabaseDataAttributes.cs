using System.Reflection;
using Parley.Data;
using Xunit.Sdk;

namespace Parley.Tests.Infrastructure;

/// <summary>Runs a [Theory] on SQLite (a temporary file).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OnSqliteAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[DatabaseProvider.Sqlite]];
}

/// <summary>Runs a [Theory] on PostgreSQL (a fresh database); skipped, with the reason, when PARLEY_TEST_POSTGRES is not set.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OnPostgresAttribute : DataAttribute
{
    public OnPostgresAttribute()
    {
        if (TestDatabase.PostgresServer is null)
        {
            Skip = TestDatabase.PostgresSkipReason;
        }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[DatabaseProvider.Postgres]];
}
