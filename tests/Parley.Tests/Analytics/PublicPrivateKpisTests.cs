using Parley.Analytics;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Analytics;

public sealed class PublicPrivateKpisTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Volumes_and_first_reply_times_split_between_public_and_private_with_the_rules_that_fired(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var day = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        await app.DbAsync(async db =>
        {
            void Add(string name, bool isPublic, double? value = null, string? detail = null, int hour = 10, long account = 1) => db.ReportingEvents.Add(new ReportingEvent
            {
                AccountId = account, ConversationId = 1, Name = name, IsPublic = isPublic, Value = value, Detail = detail, OccurredAt = day.AddHours(hour),
            });

            Add(ReportingEventNames.ConversationOpened, true);
            Add(ReportingEventNames.ConversationOpened, true);
            Add(ReportingEventNames.ConversationOpened, true);
            Add(ReportingEventNames.ConversationOpened, false);
            Add(ReportingEventNames.PublicAutoReply, true, detail: "public:auto-reply");
            Add(ReportingEventNames.HandedOff, true, detail: "public:keyword");
            Add(ReportingEventNames.HandedOff, true, detail: "public:negative-tone");
            Add(ReportingEventNames.HandedOff, false, detail: "bot");
            Add(ReportingEventNames.FirstHumanReply, true, 60);
            Add(ReportingEventNames.FirstHumanReply, true, 180);
            Add(ReportingEventNames.FirstHumanReply, false, 30);

            // Outside the period, or another account's: not counted.
            Add(ReportingEventNames.ConversationOpened, true, hour: 30);
            Add(ReportingEventNames.ConversationOpened, true, account: 2);
            return await db.SaveChangesAsync();
        });

        var split = await app.Service<PublicPrivateKpis>().SplitAsync(1, day, day.AddDays(1), CancellationToken.None);

        Assert.Equal(new SideKpis(3, 2, 1, 2, 120, 180), split.Public);
        Assert.Equal(new SideKpis(1, 1, 0, 1, 30, 30), split.Private);
        Assert.Equal(new Dictionary<string, int> { ["public:keyword"] = 1, ["public:negative-tone"] = 1 }, split.PublicHandoffReasons);
    }
}
