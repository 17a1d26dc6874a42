using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Bots.Api;
using Parley.Demo;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Demo;

/// <summary>One demo host on a real Kestrel port for the class: the parcel API is read-only.</summary>
public sealed class DemoHost : IAsyncLifetime
{
    public ParleyApplication App { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App.StartKestrel();
        Client = new HttpClient { BaseAddress = App.KestrelAddress };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Assert.True(App.LoggedErrors.IsEmpty, string.Join("\n", App.LoggedErrors));
        await App.DisposeAsync();
    }
}

public sealed class ParcelApiTests(DemoHost host) : IClassFixture<DemoHost>
{
    private static readonly DateTimeOffset Now = TestClock.WeekdayMorning;

    [Theory]
    [InlineData("RR123456785IT", "in_transit", "Arrived at the sorting centre")]
    [InlineData("RR223456788IT", "out_for_delivery", "Out for delivery")]
    [InlineData("RR323456785IT", "delivered", "Delivered")]
    [InlineData("RR423456783IT", "awaiting_pickup", "Waiting at the pick-up point")]
    [InlineData("RR523456786IT", "held_at_customs", "Held at customs: duties to pay")]
    public async Task Each_documented_number_shows_its_status(string number, string status, string lastEvent)
    {
        Assert.Equal(status, DemoParcels.Numbers[number]);

        var parcel = await GetAsync(number);

        Assert.Equal((number, status), (Text(parcel, "number"), Text(parcel, "status")));
        Assert.False(string.IsNullOrEmpty(Text(parcel, "label")));
        var events = parcel["events"]!.AsArray();
        Assert.Equal(lastEvent, Text(events[^1]!, "label"));
        Assert.Equal(Text(events[^1]!, "at"), Text(parcel, "updated_at"));
        var times = events.Select(e => DateTimeOffset.Parse(Text(e!, "at"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(events, e => Assert.InRange(DateTimeOffset.Parse(Text(e!, "at"), System.Globalization.CultureInfo.InvariantCulture), Now.AddDays(-5), Now));
        Assert.Equal(status == "awaiting_pickup", parcel["pickup_point"] is not null);
        Assert.Equal(status == "held_at_customs", parcel["customs"] is not null);
    }

    [Fact]
    public async Task A_parcel_at_a_pick_up_point_says_where_and_until_when()
    {
        var pickup = (await GetAsync("RR423456783IT"))["pickup_point"]!;

        Assert.Contains("Bologna", Text(pickup, "address"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(Text(pickup, "name")));
        Assert.True(DateTimeOffset.Parse(Text(pickup, "collect_before"), System.Globalization.CultureInfo.InvariantCulture) > Now.AddDays(7));
    }

    [Fact]
    public async Task A_parcel_held_at_customs_says_what_to_pay()
    {
        var customs = (await GetAsync("RR523456786IT"))["customs"]!;

        Assert.True(customs["duties_amount"]!.GetValue<decimal>() > 0);
        Assert.Equal("EUR", Text(customs, "currency"));
        Assert.Contains("Pay", Text(customs, "action"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_number_always_gives_the_same_answer()
    {
        string[] numbers = ["RR123456785IT", "CP000000017DE", "123456789012", "5012345678901"];
        foreach (var number in numbers)
        {
            var first = await host.Client.GetStringAsync($"/demo/api/parcels/{number}");
            Assert.Equal(first, await host.Client.GetStringAsync($"/demo/api/parcels/{number.ToLowerInvariant()}"));
        }

        var derived = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            derived.Add(Text(await GetAsync($"LX{i:D9}FR"), "status"));
        }

        Assert.True(derived.Count >= 4, string.Join(", ", derived));
        Assert.Subset(DemoParcels.Numbers.Values.ToHashSet(), derived);
    }

    [Theory]
    [InlineData(DemoParcels.UnknownNumber, "Unknown parcel")]
    [InlineData("RR12345IT", "Not a tracking number")]
    [InlineData("12345678901", "Not a tracking number")]
    [InlineData("R1123456789IT", "Not a tracking number")]
    [InlineData("RR123456789I7", "Not a tracking number")]
    [InlineData("12345678901234", "Not a tracking number")]
    [InlineData("..%2Fadmin", "Not a tracking number")]
    public async Task Unknown_and_malformed_numbers_are_404_problems(string number, string title)
    {
        var problem = await Expect.ProblemAsync(await host.Client.GetAsync($"/demo/api/parcels/{number}"), HttpStatusCode.NotFound);

        Assert.Equal(title, problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_flow_step_reads_the_demo_api()
    {
        var spec = new ApiStepSpec(
            "GET", host.App.KestrelAddress + "demo/api/parcels/{{ vars.number }}", null, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["status"] = "status", ["point"] = "pickup_point.name" }, TimeSpan.FromSeconds(5), 0);
        var caller = host.App.Service<ApiCaller>();

        var found = await caller.CallAsync(spec, new JsonObject { ["vars"] = new JsonObject { ["number"] = " rr423456783it" } }, new Dictionary<string, string>(), CancellationToken.None);
        var unknown = await caller.CallAsync(spec, new JsonObject { ["vars"] = new JsonObject { ["number"] = DemoParcels.UnknownNumber } }, new Dictionary<string, string>(), CancellationToken.None);

        Assert.Equal(ApiOutcome.Success, found.Outcome);
        Assert.Equal("awaiting_pickup", found.Values["status"]!.GetValue<string>());
        Assert.NotNull(found.Values["point"]);
        Assert.Equal(ApiOutcome.NotFound, unknown.Outcome);
    }

    private async Task<JsonNode> GetAsync(string number)
    {
        var response = await host.Client.GetAsync($"/demo/api/parcels/{number}");
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static string Text(JsonNode node, string name) => node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String
        ? value.GetValue<string>()
        : throw new Xunit.Sdk.XunitException($"{name} is not a string in {node.ToJsonString()}");
}

public sealed class ParcelApiDisabledTests
{
    [Fact]
    public async Task Without_demo_mode_there_is_no_parcel_api()
    {
        await using var app = new ParleyApplication { Demo = false };

        var problem = await Expect.ProblemAsync(await app.CreateClient().GetAsync("/demo/api/parcels/RR123456785IT"), HttpStatusCode.NotFound);

        Assert.Contains("Demo:Enabled", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
