using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>Guessing passwords at the console's sign-in: limited per client and per email, locked after repeated failures, and mute on which emails exist.</summary>
public sealed class LoginThrottlingTests
{
    private const string Marie = "marie@parley.local";

    [Fact]
    public async Task Sign_ins_per_client_address_are_limited_with_a_429_problem_and_retry_after()
    {
        await using var app = new ParleyApplication { Settings = { ["RateLimits:Login:PermitLimit"] = "2", ["RateLimits:Login:WindowSeconds"] = "600" } };
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLogin.LoginAsync(client, "a@example.com", "guess")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLogin.LoginAsync(client, "b@example.com", "guess")).StatusCode);
        var refused = await ConsoleLogin.LoginAsync(client, Marie, ParleyApplication.Password);

        await AssertTooManyAsync(refused);
        Assert.Null(ConsoleLogin.SessionSetCookie(refused));
    }

    [Fact]
    public async Task Sign_ins_per_email_are_limited_whatever_the_client_and_the_spelling()
    {
        await using var app = new ParleyApplication { Settings = { ["RateLimits:LoginPerEmail:PermitLimit"] = "2", ["RateLimits:LoginPerEmail:WindowSeconds"] = "600" } };
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLogin.LoginAsync(client, Marie, "guess-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLogin.LoginAsync(client, " MARIE@parley.local", "guess-2")).StatusCode);
        var refused = await ConsoleLogin.LoginAsync(client, Marie, ParleyApplication.Password);

        await AssertTooManyAsync(refused);
        Assert.Null(ConsoleLogin.SessionSetCookie(refused));
        Assert.NotNull(ConsoleLogin.SessionSetCookie(await ConsoleLogin.LoginAsync(client, "luca@parley.local", ParleyApplication.Password)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Repeated_wrong_passwords_lock_the_account_until_the_lock_ends(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider)
        {
            Settings =
            {
                ["Identity:Lockout:MaxFailedAttempts"] = "3",
                ["Identity:Lockout:LockoutMinutes"] = "15",
                ["RateLimits:LoginPerEmail:PermitLimit"] = "100",
            },
        };
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        async Task<bool> SignsInAsync(string password) =>
            ConsoleLogin.SessionSetCookie(await ConsoleLogin.LoginAsync(client, Marie, password)) is not null;

        // Failures below the limit are forgotten by a successful sign-in.
        Assert.False(await SignsInAsync("wrong"));
        Assert.False(await SignsInAsync("wrong"));
        Assert.Equal((2, (DateTime?)null), await LockStateAsync(app));
        Assert.True(await SignsInAsync(ParleyApplication.Password));
        Assert.Equal((0, (DateTime?)null), await LockStateAsync(app));

        Assert.False(await SignsInAsync("wrong"));
        Assert.False(await SignsInAsync("wrong"));
        Assert.False(await SignsInAsync("wrong"));
        var lockedUntil = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(15);
        Assert.Equal((0, (DateTime?)lockedUntil), await LockStateAsync(app));

        // Locked: the right password gets the wrong password's answer, and refused attempts do not extend the lock.
        var refused = await ConsoleLogin.LoginAsync(client, Marie, ParleyApplication.Password);
        Assert.Equal("/login?error=1", refused.Headers.Location?.OriginalString);
        Assert.Null(ConsoleLogin.SessionSetCookie(refused));
        app.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.False(await SignsInAsync("wrong"));
        Assert.False(await SignsInAsync(ParleyApplication.Password));
        Assert.Equal((0, (DateTime?)lockedUntil), await LockStateAsync(app));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await SignsInAsync(ParleyApplication.Password));
        Assert.Equal((0, (DateTime?)null), await LockStateAsync(app));
    }

    [Theory]
    [InlineData(Marie, "wrong-password")]
    [InlineData("nobody@parley.local", "wrong-password")]
    [InlineData("nobody@parley.local", ParleyApplication.Password)]
    [InlineData("locked", ParleyApplication.Password)]
    [InlineData("too-long", "wrong-password")]
    public async Task Every_refused_sign_in_verifies_one_password_hash_whether_the_email_exists_or_not(string email, string password)
    {
        // The counting hasher replaces the host's: only this derived host is started (the app owns the database and clock).
        await using var app = new ParleyApplication();
        var hasher = new CountingHasher();
        await using var host = app.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddSingleton<IPasswordHasher<Advisor>>(sp => hasher.Around(sp.GetRequiredService<IOptions<PasswordHasherOptions>>()))));
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (email == "locked")
        {
            email = Marie;
            var until = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(5);
            await using var db = await host.Services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
            await db.Advisors.Where(a => a.Email == Marie).ExecuteUpdateAsync(s => s.SetProperty(a => a.LockedUntil, until));
        }
        else if (email == "too-long")
        {
            email = new string('a', AdvisorSignIn.MaxEmailLength) + "@parley.local";
        }

        var response = await ConsoleLogin.LoginAsync(client, email, password);

        Assert.Equal("/login?error=1", response.Headers.Location?.OriginalString);
        Assert.Equal(1, hasher.Verifications);
    }

    [Fact]
    public async Task Password_checks_run_one_at_a_time_and_a_sign_in_past_the_queue_is_refused_without_hashing()
    {
        await using var app = new ParleyApplication { Settings = { ["RateLimits:PasswordChecks:Queue"] = "0" } };
        var hasher = new CountingHasher { Gate = new SemaphoreSlim(0) };
        await using var host = app.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddSingleton<IPasswordHasher<Advisor>>(sp => hasher.Around(sp.GetRequiredService<IOptions<PasswordHasherOptions>>()))));
        using var one = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var two = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // A slow check holds the node's one turn: another sign-in meanwhile is refused at once, without hashing.
        var first = ConsoleLogin.LoginAsync(one, Marie, "wrong-password");
        await Expect.UntilAsync(() => Task.FromResult(hasher.Verifications == 1), "the first password check");
        await AssertTooManyAsync(await ConsoleLogin.LoginAsync(two, "luca@parley.local", "wrong-password"));
        Assert.Equal(1, hasher.Verifications);

        hasher.Gate.Release(2);
        Assert.Equal("/login?error=1", (await first).Headers.Location?.OriginalString);
        Assert.Equal("/login?error=1", (await ConsoleLogin.LoginAsync(two, "luca@parley.local", "wrong-password")).Headers.Location?.OriginalString);
        Assert.Equal((2, 1), (hasher.Verifications, hasher.MostAtOnce));
    }

    private static Task<(int Failed, DateTime? LockedUntil)> LockStateAsync(ParleyApplication app) =>
        app.DbAsync(db => db.Advisors.AsNoTracking().Where(a => a.Email == Marie)
            .Select(a => new ValueTuple<int, DateTime?>(a.FailedLoginCount, a.LockedUntil)).SingleAsync());

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(429, problem?.Status);
        Assert.Equal("Too many requests", problem?.Title);
    }

    /// <summary>The host's own hasher, counting the password verifications.</summary>
    private sealed class CountingHasher : IPasswordHasher<Advisor>
    {
        private PasswordHasher<Advisor>? _inner;
        private int _verifications;
        private int _running;
        private int _mostAtOnce;

        public int Verifications => Volatile.Read(ref _verifications);

        /// <summary>The most verifications that ran at the same time.</summary>
        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        /// <summary>When set, each verification waits for a release of it (a slow hash, held by the test).</summary>
        public SemaphoreSlim? Gate { get; init; }

        public CountingHasher Around(IOptions<PasswordHasherOptions> options)
        {
            _inner = new PasswordHasher<Advisor>(options);
            return this;
        }

        public string HashPassword(Advisor user, string password) => _inner!.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(Advisor user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            var running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _mostAtOnce, running);
            try
            {
                Gate?.Wait(TimeSpan.FromSeconds(20));
                return _inner!.VerifyHashedPassword(user, hashedPassword, providedPassword);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                {
                    return;
                }
            }
        }
    }
}
