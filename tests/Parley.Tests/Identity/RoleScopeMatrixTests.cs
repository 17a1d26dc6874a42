using System.Net.Http.Json;
using Microsoft.AspNetCore.Routing;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>
/// Roles × accounts × actions: every console JSON endpoint called by each role of the brand, by another brand's advisor
/// and admin on the brand's objects by id, and by nobody (<see cref="RoleScopeMatrix.Rows"/>).
/// </summary>
public sealed class RoleScopeMatrixTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Every_console_endpoint_answers_each_role_and_account_as_the_table_says(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var world = await MatrixWorld.CreateAsync(app);
        var wrong = new List<string>();

        foreach (var row in RoleScopeMatrix.Rows)
        {
            // Refusals first: an allowed caller may change what the next one sees (a deleted team, a moved conversation).
            foreach (var (caller, expected) in row.PerCaller().OrderBy(c => c.Expected is '2' or 'L'))
            {
                var path = await row.Path(world);
                using var request = new HttpRequestMessage(new HttpMethod(row.Method), path);
                if (row.Body(world) is { } body)
                {
                    request.Content = JsonContent.Create(body, options: TeamsSetup.Json);
                }

                using var response = await world.Client(caller).SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (Mismatch(expected, response, text) is { } problem)
                {
                    wrong.Add($"{row.Method} {path} as {caller}: expected {expected}, {problem} ({(int)response.StatusCode}: {Cut(text)})");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong.Concat(app.LoggedErrors.Take(3))));
        Assert.Empty(app.LoggedErrors);
    }

    [Fact]
    public async Task The_table_names_every_console_endpoint_of_the_host()
    {
        await using var app = new ParleyApplication();
        var mapped = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/console", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order().ToList();
        var inTable = RoleScopeMatrix.Rows.Select(r => r.ToString()).Order().ToList();

        Assert.Equal(inTable.Distinct().Count(), inTable.Count);
        Assert.Equal(mapped, inTable);
    }

    /// <summary>Why the answer is not the expected one, or null when it is.</summary>
    private static string? Mismatch(char expected, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return "got a server error";
        }

        if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return "the refusal is not a ProblemDetails";
        }

        var right = expected switch
        {
            'A' => status == 401,
            '2' => status is >= 200 and < 300,
            'L' => status is >= 200 and < 300 && !body.Contains(MatrixWorld.Marker, StringComparison.OrdinalIgnoreCase),
            '3' => status == 403,
            '4' => status == 404,
            'X' => status is 403 or 404,
            _ => throw new ArgumentOutOfRangeException(nameof(expected), expected, "not a matrix answer"),
        };
        return right ? null : expected == 'L' && status < 300 ? "the list names the brand's objects" : "got another answer";
    }

    private static string Cut(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
