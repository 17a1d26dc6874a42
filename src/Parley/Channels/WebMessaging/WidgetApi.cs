using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Hosting;
using Parley.Data;

namespace Parley.Channels.WebMessaging;

public sealed record InboxInfo(
    string Name, string BotName, bool Open, DateTimeOffset? NextOpening, string? OpensText, string ExpectedReplyText,
    IReadOnlyList<OpeningHours> BusinessHours, string TimeZone, AttachmentLimits Attachments);

public sealed record OpeningHours(string Day, string From, string To);

public sealed record AttachmentLimits(long MaxBytes, IReadOnlyList<string> Types);

/// <param name="GuestRefreshToken">A signing-in customer's guest session on this browser: its conversation joins the verified contact.</param>
public sealed record SessionRequest(
    string? Inbox, string? GuestId, string? UserId, string? UserHash, string? Name, string? Email, string? ProfileHash = null, string? GuestRefreshToken = null);

public sealed record RefreshRequest(string? RefreshToken);

/// <param name="ExpiresIn">The session token's life in seconds, for a client whose clock is not the server's.</param>
/// <param name="ContactId">The contact, once there is one: a guest's is created when they open the conversation or write.</param>
public sealed record SessionResponse(
    string Token, DateTimeOffset ExpiresAt, int ExpiresIn, string RefreshToken, DateTimeOffset RefreshExpiresAt, long? ContactId, string? GuestId, bool Verified);

public sealed record ConversationResponse(long ConversationId, string Status, long LastSeq);

public sealed record MessagesResponse(string Status, long CustomerReadSeq, long AdvisorReadSeq, IReadOnlyList<MessageDto> Messages);

public sealed record SendRequest(string? ClientMessageId, string? Text, string? ReplyTo);

public sealed record SendResponse(long Id, long Seq, bool Duplicate);

public sealed record TypingRequest(bool Typing);

public sealed record StreamTicketResponse(string Ticket, DateTimeOffset ExpiresAt);

public sealed record ReadRequest(long Seq);

public static partial class WidgetApi
{
    public const int MaxTextLength = 4000;
    public const string CorsPolicy = "widget";

    public static IEndpointRouteBuilder MapWidgetApi(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/api/widget/v1").WithTags("Widget").RequireCors(CorsPolicy);
        open.MapGet("/inboxes/{publicKey}", GetInbox).RequireRateLimiting(RateLimits.WidgetInbox);
        open.MapPost("/sessions", CreateSession).RequireRateLimiting(RateLimits.WidgetSessions);
        open.MapPost("/sessions/refresh", RefreshSession).RequireRateLimiting(RateLimits.WidgetSessions);

        var authed = app.MapGroup("/api/widget/v1").WithTags("Widget").RequireCors(CorsPolicy).AddEndpointFilter<WidgetAuthFilter>();
        authed.MapPost("/conversation", OpenConversation);
        authed.MapGet("/messages", WidgetMessages.GetMessages);
        authed.MapPost("/messages", SendMessage);
        authed.MapPost("/attachments", SendAttachment).DisableAntiforgery().WithMetadata(new LargeBody(AttachmentRules.MaxBytes + 64 * 1024));
        authed.MapGet("/attachments/{id:long}", GetAttachment);
        authed.MapPost("/typing", Typing);
        authed.MapPost("/read", Read);
        authed.MapPost("/events/tickets", IssueStreamTicket);
        authed.MapGet("/events", Events).WithMetadata(new StreamTicketAccepted());
        return app;
    }

    private static async Task<Results<Ok<InboxInfo>, ProblemHttpResult>> GetInbox(string publicKey, WidgetInboxes inboxes, TimeProvider clock, CancellationToken ct)
    {
        if (!WidgetInboxes.IsWellFormedKey(publicKey))
        {
            return MalformedKey();
        }

        if (await inboxes.FindByKeyAsync(publicKey, ct) is not (var inbox, _))
        {
            return UnknownInbox();
        }

        var settings = InboxSettings.Parse(inbox.SettingsJson);
        var hours = settings.BusinessHours;
        var now = clock.GetUtcNow();
        var isOpen = hours.IsOpen(now);
        var next = isOpen ? null : hours.NextOpening(now);
        var opensText = next is { } at ? Routing.BusinessHoursSchedule.Describe(at, now) : null;
        var expected = isOpen
            ? $"We usually reply within {settings.ExpectedReplyMinutes} minutes."
            : opensText is null ? "Our advisors are away; leave a message and we will reply." : $"Our advisors are away; we will reply from {opensText}.";
        return TypedResults.Ok(new InboxInfo(
            inbox.Name, settings.BotName, isOpen, next, opensText, expected,
            hours.Slots.Select(s => new OpeningHours(s.Day.ToString(), s.From.ToString("HH:mm"), s.To == TimeOnly.MaxValue ? "24:00" : s.To.ToString("HH:mm"))).ToList(),
            hours.TimeZone, new AttachmentLimits(AttachmentRules.MaxBytes, AttachmentRules.AllowedTypes)));
    }

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> OpenConversation(
        HttpContext http, InboxDirectory inboxes, WidgetSessions sessions, ConversationEngine engine, CancellationToken ct)
    {
        if (await CallerWithContactAsync(http, inboxes, sessions, ct) is not ({ } inbox, { } caller))
        {
            return Unauthorized();
        }

        var conversation = await engine.OpenAsync(inbox, caller.ContactId, ct);
        return TypedResults.Ok(new ConversationResponse(conversation.Id, Camel(conversation.Status), conversation.LastSeq));
    }

    private static async Task<Results<Accepted<SendResponse>, ProblemHttpResult>> SendMessage(
        SendRequest request, HttpContext http, InboxDirectory inboxes, WidgetSessions sessions, ConversationEngine engine, CancellationToken ct)
    {
        if (ValidateClientId(request.ClientMessageId) is { } idError)
        {
            return idError;
        }

        var text = request.Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return BadRequest("The message has no text.");
        }

        if (text.Length > MaxTextLength || request.ReplyTo?.Length > 100)
        {
            return BadRequest($"Text is limited to {MaxTextLength} characters and replyTo to 100.");
        }

        if (InputText.FirstProblem(("text", text, true), ("replyTo", request.ReplyTo, false)) is { } textProblem)
        {
            return BadRequest(textProblem);
        }

        if (await CallerWithContactAsync(http, inboxes, sessions, ct) is not ({ } inbox, { } caller))
        {
            return Unauthorized();
        }

        var result = await engine.AcceptAsync(
            new InboundMessage(inbox, caller.ContactId, ChannelMessageId(caller, request.ClientMessageId!), ContentType.Text, text, request.ReplyTo), ct);
        return TypedResults.Accepted((string?)null, new SendResponse(result.MessageId, result.Seq, result.Duplicate));
    }

    private static async Task<Results<Accepted<SendResponse>, ProblemHttpResult>> SendAttachment(
        HttpContext http, InboxDirectory inboxes, WidgetSessions sessions, ConversationEngine engine, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return BadRequest("Send the file as multipart/form-data with fields 'file' and 'clientMessageId'.");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e)
        {
            // Over the body limit (413) or cut short: the caller's doing, not a server error.
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "File too large" : "Invalid request");
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return BadRequest($"The multipart body is malformed: {e.Message}");
        }

        var clientMessageId = form["clientMessageId"].ToString();
        if (ValidateClientId(clientMessageId) is { } idError)
        {
            return idError;
        }

        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return BadRequest("The 'file' field is missing or empty.");
        }

        if (file.Length > AttachmentRules.MaxBytes)
        {
            return TypedResults.Problem($"Files are limited to {AttachmentRules.MaxBytes / (1024 * 1024)} MB.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large");
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        var data = buffer.ToArray();
        if (AttachmentRules.Check(data, file.FileName, out var refusal) is not { } accepted)
        {
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported file type");
        }

        if (await CallerWithContactAsync(http, inboxes, sessions, ct) is not ({ } inbox, { } caller))
        {
            return Unauthorized();
        }

        var result = await engine.AcceptAsync(new InboundMessage(inbox, caller.ContactId, ChannelMessageId(caller, clientMessageId), ContentType.Attachment, accepted.FileName,
            Attachment: new NewAttachment(accepted.FileName, accepted.ContentType, data)), ct);
        return TypedResults.Accepted((string?)null, new SendResponse(result.MessageId, result.Seq, result.Duplicate));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAttachment(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        var caller = WidgetAuthFilter.Caller(http);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var attachment = await db.Attachments.AsNoTracking()
            .Where(a => a.Id == id && db.Conversations.Any(c => c.Id == a.ConversationId && c.InboxId == caller.InboxId && c.ContactId == caller.ContactId))
            .FirstOrDefaultAsync(ct);
        return attachment is null
            ? TypedResults.Problem("No such attachment in your conversation.", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : TypedResults.File(attachment.Data, attachment.ContentType, attachment.FileName);
    }

    private static async Task<NoContent> Typing(TypingRequest request, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationEventHub hub, CancellationToken ct)
    {
        var caller = WidgetAuthFilter.Caller(http);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.AsNoTracking()
            .Where(c => c.InboxId == caller.InboxId && c.ContactId == caller.ContactId)
            .Select(c => new { c.Id, c.AccountId })
            .FirstOrDefaultAsync(ct);
        if (conversation is not null)
        {
            hub.Publish(new TypingChanged(conversation.AccountId, conversation.Id, AuthorKind.Customer, null, request.Typing));
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Read(ReadRequest request, HttpContext http, ConversationActions actions, CancellationToken ct)
    {
        if (request.Seq < 0)
        {
            return BadRequest("seq must be ≥ 0.");
        }

        var caller = WidgetAuthFilter.Caller(http);
        await actions.CustomerReadAsync(caller.InboxId, caller.ContactId, request.Seq, ct);
        return TypedResults.NoContent();
    }

    /// <summary>A ticket for opening the event stream from a browser's EventSource, which cannot send the bearer header.</summary>
    private static async Task<Ok<StreamTicketResponse>> IssueStreamTicket(HttpContext http, WidgetSessions sessions, CancellationToken ct)
    {
        var (ticket, expiresAt) = await sessions.IssueStreamTicketAsync(WidgetAuthFilter.Caller(http), ct);
        return TypedResults.Ok(new StreamTicketResponse(ticket, expiresAt));
    }

    private static async Task<Results<ServerSentEventsResult<JsonElement>, ProblemHttpResult>> Events(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationEventHub hub, CancellationToken ct)
    {
        var caller = WidgetAuthFilter.Caller(http);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var conversationId = await db.Conversations.AsNoTracking()
            .Where(c => c.InboxId == caller.InboxId && c.ContactId == caller.ContactId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(ct);
        if (conversationId is null)
        {
            return TypedResults.Problem("Open the conversation first (POST /conversation).", statusCode: StatusCodes.Status409Conflict, title: "No conversation");
        }

        return TypedResults.ServerSentEvents(Stream(hub.SubscribeConversation(conversationId.Value), ct));
    }

    private static async IAsyncEnumerable<SseItem<JsonElement>> Stream(ConversationEventHub.Subscription subscription, [EnumeratorCancellation] CancellationToken ct)
    {
        using var _ = subscription;
        yield return new SseItem<JsonElement>(JsonSerializer.SerializeToElement(new { }), "ready");
        while (true)
        {
            ConversationEvent? e;
            try
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(ct);
                keepAlive.CancelAfter(TimeSpan.FromSeconds(20));
                e = await subscription.Reader.ReadAsync(keepAlive.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                e = null;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (e is null)
            {
                yield return new SseItem<JsonElement>(JsonSerializer.SerializeToElement(new { }), "ping");
                continue;
            }

            var item = ToWidgetEvent(e);
            if (item is not null)
            {
                yield return item.Value;
            }
        }
    }

    private static SseItem<JsonElement>? ToWidgetEvent(ConversationEvent e) => e switch
    {
        MessageAdded m => new SseItem<JsonElement>(JsonSerializer.SerializeToElement(m.Message, JsonSerializerOptions.Web), "message"),
        TypingChanged { AuthorKind: AuthorKind.Advisor } t => new SseItem<JsonElement>(
            JsonSerializer.SerializeToElement(new { t.AuthorKind, t.AuthorName, t.Typing }, JsonSerializerOptions.Web), "typing"),
        ReadUpTo { Reader: AuthorKind.Advisor } r => new SseItem<JsonElement>(JsonSerializer.SerializeToElement(new { advisorReadSeq = r.Seq }), "read"),
        ConversationChanged c => new SseItem<JsonElement>(JsonSerializer.SerializeToElement(new { status = Camel(c.Status) }), "status"),
        _ => null,
    };

    private static ProblemHttpResult? ValidateClientId(string? clientMessageId) =>
        string.IsNullOrWhiteSpace(clientMessageId) || clientMessageId.Length > 100
            ? BadRequest("clientMessageId (1 to 100 characters) is required, so that a retry is stored once.")
            : InputText.Problem(clientMessageId, "clientMessageId") is { } problem ? BadRequest(problem) : null;

    /// <summary>The caller's inbox and the caller with a contact (a guest's is created now); null when the inbox is gone.</summary>
    private static async Task<(Inbox, WidgetCaller)?> CallerWithContactAsync(HttpContext http, InboxDirectory inboxes, WidgetSessions sessions, CancellationToken ct)
    {
        var caller = WidgetAuthFilter.Caller(http);
        var inbox = await inboxes.FindAsync(caller.InboxId, ct);
        if (inbox is null)
        {
            return null;
        }

        caller = await sessions.EnsureContactAsync(inbox, caller, ct);
        WidgetAuthFilter.SetCaller(http, caller);
        return (inbox, caller);
    }

    private static ProblemHttpResult MalformedKey() =>
        BadRequest($"This is not an inbox key: 1 to {WidgetInboxes.MaxKeyLength} letters, digits, '-' or '_'.");

    private static ProblemHttpResult UnknownInbox() =>
        TypedResults.Problem("No inbox has this key.", statusCode: StatusCodes.Status404NotFound, title: "Unknown inbox");

    /// <summary>
    /// Channel message ids are unique per inbox, but a client's id is only unique for that customer: scope it to the
    /// contact, so that another customer's id (guessed or colliding) neither drops the message nor answers a stranger's.
    /// </summary>
    private static string ChannelMessageId(WidgetCaller caller, string clientMessageId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{caller.ContactId}:{clientMessageId}");

    internal static string Camel(ConversationStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    internal static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    private static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem("The session is no longer valid; start a new one.", statusCode: StatusCodes.Status401Unauthorized, title: "Invalid session");
}
