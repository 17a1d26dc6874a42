using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>/api/console/queues: admins list, create, rename and delete (when empty) their accounts' queues.</summary>
public static class QueuesApi
{
    public static IEndpointRouteBuilder MapQueuesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console/queues").WithTags("Routing").ExcludeFromDescription();
        group.MapGet("/", (HttpContext http, IDbContextFactory<ParleyDb> dbs, QueueAdministration queues, CancellationToken ct) =>
            AdvisorsApi.AnswerAsync(http, dbs, by => queues.ListAsync(by, ct), TypedResults.Ok, ct));
        group.MapPost("/", (NewQueue input, HttpContext http, IDbContextFactory<ParleyDb> dbs, QueueAdministration queues, CancellationToken ct) =>
            AdvisorsApi.AnswerAsync(http, dbs, by => queues.CreateAsync(by, input, ct), v => TypedResults.Created($"/api/console/queues/{v.Id}", v), ct));
        group.MapPut("/{id:long}", (long id, QueueRename input, HttpContext http, IDbContextFactory<ParleyDb> dbs, QueueAdministration queues, CancellationToken ct) =>
            AdvisorsApi.AnswerAsync(http, dbs, by => queues.RenameAsync(by, id, input, ct), TypedResults.Ok, ct));
        group.MapDelete("/{id:long}", (long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, QueueAdministration queues, CancellationToken ct) =>
            AdvisorsApi.AnswerAsync(http, dbs, by => queues.DeleteAsync(by, id, ct), _ => TypedResults.NoContent(), ct));
        return app;
    }
}
