using Microsoft.EntityFrameworkCore;
using Parley.Bots.Public;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels;
using Parley.Tests.Channels.Messenger;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots.Public;

/// <summary>A Facebook Page whose Graph stand-in also answers private replies (<c>recipient.comment_id</c>), with its public bot set.</summary>
public static class PublicWorld
{
    public static async Task<MetaWorld> StartAsync(PublicBotSettings settings, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var world = await MetaWorld.StartAsync(provider: provider);
        world.Graph.Respond = request =>
            request.Method == "POST" && request.Json.TryGetProperty("recipient", out var recipient) && recipient.TryGetProperty("comment_id", out var comment)
                ? StandInResponse.Ok(new { recipient_id = "psid-ann", message_id = $"m_private_{comment.GetString()}" })
                : request.Method == "POST" && request.Path.EndsWith("/comments", StringComparison.Ordinal)
                    ? StandInResponse.Ok(new { id = $"reply-to-{request.Path.Split('/')[^2]}" })
                    : world.Answer(request);
        await ConfigureAsync(world.App, world.Connection.ConnectionId, settings);
        return world;
    }

    public static async Task ConfigureAsync(ParleyApplication app, long connectionId, PublicBotSettings settings)
    {
        var manager = await app.AdvisorAsync("chiara@parley.local");
        var saved = await app.Service<PublicBotManagement>().SaveAsync(manager, connectionId, settings, CancellationToken.None);
        Assert.Equal(Parley.Channels.ManagementOutcome.Done, saved.Outcome);
    }

    /// <summary>The private replies Parley sent: their comment ids and texts.</summary>
    public static IReadOnlyList<(string Path, string CommentId, string Text)> PrivateReplies(MetaWorld world) =>
        world.Graph.To("/messages").Where(r => r.Json.GetProperty("recipient").TryGetProperty("comment_id", out _))
            .Select(r => (r.Path, r.Json.GetProperty("recipient").GetProperty("comment_id").GetString()!, r.Json.GetProperty("message").GetProperty("text").GetString()!))
            .ToList();

    public static Task<Conversation> SettledAsync(MetaWorld world, string psid) =>
        Expect.ResultAsync(async () => await world.ConversationOfAsync(psid) is { Status: not ConversationStatus.WithBot } c ? c : null, "the thread settled");

    public static Task<List<string?>> HandoffReasonsAsync(MetaWorld world, long conversationId) =>
        world.App.DbAsync(db => db.ReportingEvents.Where(e => e.ConversationId == conversationId && e.Name == Parley.Analytics.ReportingEventNames.HandedOff)
            .OrderBy(e => e.Id).Select(e => e.Detail).ToListAsync());
}
