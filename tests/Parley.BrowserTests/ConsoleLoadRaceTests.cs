using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.BrowserTests;

/// <summary>
/// The console listens before it reads. A change committed while a console page is loading (routing assigns the very
/// conversation an advisor just clicked, which loads the page again) must show: a page that read first and subscribed
/// after lost it for good, and CI once saw an advisor stuck with "Take over this conversation to reply" on a conversation
/// already theirs. Here the change is made exactly there, deterministically: right after the page's first read of the
/// conversations, before the page goes on.
/// </summary>
public sealed class ConsoleLoadRaceTests
{
    private const float Timeout = 20_000;

    [ChromiumFact]
    public async Task A_conversation_taken_over_while_the_console_loads_shows_its_new_advisor()
    {
        var trap = new AfterConsoleRead();
        await using var server = new ParleyServer(services: s => s.ConfigureDbContext<ParleyDb>(o => o.AddInterceptors(trap)));
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        // A customer writes on the website: a conversation with the bot.
        var conversationId = await WidgetHttp.ConversationAsync(server, "Nora", "Where is my parcel?");

        await using var context = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var sam = await context.NewPageAsync();
        await HybridConversationTests.SignInAsync(sam, "supervisor@parley.local");
        var row = sam.Locator($".conv-row[data-conversation-id=\"{conversationId}\"]");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });

        // Sam opens the conversation by its link. Right after the page's first read of the conversations, Luca takes it
        // over, committed and published before the page reads anything else.
        var luca = await AdvisorSessions.OfAsync(server, "luca@parley.local");
        var actions = server.Services.GetRequiredService<ConversationActions>();
        trap.Arm(() => actions.TakeOverAsync(luca, conversationId, CancellationToken.None));
        await sam.GotoAsync($"/console/{conversationId}");
        await trap.Sprung.WaitAsync(TimeSpan.FromSeconds(30));

        // The list and the conversation both show Luca: the page was listening when the takeover was published.
        await Assertions.Expect(row.Locator(".conv-assignee")).ToHaveTextAsync("Luca", new() { Timeout = Timeout });
        await Assertions.Expect(sam.Locator("#conversation-view .conv-assignee")).ToHaveTextAsync("Assigned to Luca", new() { Timeout = Timeout });
    }

    /// <summary>
    /// Once armed, runs a change after the first read of the conversations made by a console circuit (on Blazor's
    /// dispatcher), and holds that read until the change is committed and published.
    /// </summary>
    private sealed class AfterConsoleRead : DbCommandInterceptor
    {
        private Func<Task<ActionOutcome>>? _change;
        private readonly TaskCompletionSource _sprung = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Sprung => _sprung.Task;

        public void Arm(Func<Task<ActionOutcome>> change) => Volatile.Write(ref _change, change);

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            Spring(command);
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            Spring(command);
            return ValueTask.FromResult(result);
        }

        private void Spring(DbCommand command)
        {
            if (SynchronizationContext.Current?.GetType().Name != "RendererSynchronizationContext"
                || !command.CommandText.Contains("FROM \"conversations\"", StringComparison.Ordinal))
            {
                return;
            }

            var change = Interlocked.Exchange(ref _change, null);
            if (change is null)
            {
                return;
            }

            try
            {
                // Off the dispatcher, which this read holds: the change needs nothing of it.
                var outcome = Task.Run(change).GetAwaiter().GetResult();
                if (!outcome.Ok)
                {
                    throw new InvalidOperationException($"The takeover was refused: {outcome.Error}");
                }

                _sprung.TrySetResult();
            }
            catch (Exception e)
            {
                _sprung.TrySetException(e);
            }
        }
    }
}
