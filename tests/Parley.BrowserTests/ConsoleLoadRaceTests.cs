using System.Data.Common;
using System.Text.RegularExpressions;
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
    /// The composer's lists load one after the other (favourite replies, then the advisors '@' offers) and any live event
    /// renders the view in between. The composer once gave the browser the favourites with an empty '@' list there and
    /// never sent the advisors afterwards: in note mode '@lu' offered nobody (CI saw it). Here an event arrives exactly
    /// while the view reads its notes, between the two lists.
    /// </summary>
    [ChromiumFact]
    public async Task The_advisors_to_mention_reach_the_composer_when_an_event_renders_it_while_it_loads()
    {
        var trap = new DuringNotesRead();
        await using var server = new ParleyServer(services: s => s.ConfigureDbContext<ParleyDb>(o => o.AddInterceptors(trap)));
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        var conversationId = await WidgetHttp.ConversationAsync(server, "Nora", "Where is my parcel?");

        await using var context = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await context.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        await Assertions.Expect(marie.Locator($".conv-row[data-conversation-id=\"{conversationId}\"]")).ToBeVisibleAsync(new() { Timeout = Timeout });

        var hub = server.Services.GetRequiredService<ConversationEventHub>();
        var accountId = await AccountOfAsync(server, conversationId);
        trap.Arm(() => hub.Publish(new TypingChanged(accountId, conversationId, AuthorKind.Customer, "Nora", false)));
        await marie.GotoAsync($"/console/{conversationId}");
        await trap.Sprung.WaitAsync(TimeSpan.FromSeconds(30));

        await marie.Locator("#reply-note-mode").CheckAsync();
        await marie.Locator("#reply-input").PressSequentiallyAsync("@lu");
        var options = marie.Locator("#favourite-picker .favourite-option");
        await Assertions.Expect(options).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(options.First).ToContainTextAsync("@Luca");

        // Note mode is known in the browser at once: an '@' typed in the same instant as the tick (before the server has
        // marked the box as a note's) offers the advisors too.
        var input = marie.Locator("#reply-input");
        await input.PressAsync("Escape");
        await input.FillAsync("");
        await marie.Locator("#reply-note-mode").UncheckAsync();
        await Assertions.Expect(input).Not.ToHaveClassAsync(new Regex("note-mode"), new() { Timeout = Timeout });
        // The conversation is the bot's: only a note can be written, so the box is closed until note mode is ticked,
        // and opens in that same instant (keys typed before the server's render would otherwise be lost).
        await Assertions.Expect(input).ToBeDisabledAsync(new() { Timeout = Timeout });
        var disabledAfterTick = await marie.EvaluateAsync<bool>("""
            () => {
              document.getElementById('reply-note-mode').click();
              const input = document.getElementById('reply-input');
              const disabled = input.disabled;
              input.focus();
              input.value = '@lu';
              input.setSelectionRange(3, 3);
              input.dispatchEvent(new Event('input', { bubbles: true }));
              return disabled;
            }
            """);
        Assert.False(disabledAfterTick);
        await Assertions.Expect(options).ToHaveCountAsync(1, new() { Timeout = Timeout });
    }

    private static async Task<long> AccountOfAsync(ParleyServer server, long conversationId)
    {
        var dbs = server.Services.GetRequiredService<IDbContextFactory<ParleyDb>>();
        await using var db = await dbs.CreateDbContextAsync();
        return await db.Conversations.Where(c => c.Id == conversationId).Select(c => c.AccountId).SingleAsync();
    }

    /// <summary>
    /// Once armed, publishes an event when a console circuit reads a conversation's notes, and gives Blazor's dispatcher
    /// a moment to render what that event changed before the read goes on.
    /// </summary>
    private sealed class DuringNotesRead : DbCommandInterceptor
    {
        private Action? _publish;
        private readonly TaskCompletionSource _sprung = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Sprung => _sprung.Task;

        public void Arm(Action publish) => Volatile.Write(ref _publish, publish);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (SynchronizationContext.Current?.GetType().Name == "RendererSynchronizationContext"
                && command.CommandText.Contains("FROM \"conversation_notes\"", StringComparison.Ordinal)
                && Interlocked.Exchange(ref _publish, null) is { } publish)
            {
                publish();
                // The dispatcher is free while this read waits: the page handles the event and renders the view.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                _sprung.TrySetResult();
            }

            return result;
        }
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
