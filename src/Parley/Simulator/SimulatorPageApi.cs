using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Channels;
using Parley.Channels.Webhooks;

namespace Parley.Simulator;

public sealed record NetworkDto(string Network, string Label, string IdName, bool Connected, string? AccountId, string WebhookPath, string? ApiUrl);

public sealed record CustomerDto(string Network, string Id, string Name, string? Preview, DateTimeOffset LastActivity, int Unread);

public sealed record SimMessageDto(
    string Id, bool FromCustomer, DateTimeOffset At, string? Text, ChoiceStyle Style, IReadOnlyList<SimChoice> Choices, string? ListButton, bool Answered,
    string? MediaKind, string? MediaUrl, string? Template, SimStatus Status, int? WebhookStatus, string? Failure);

public sealed record ChatDto(long Version, CustomerDto Customer, bool Typing, bool Open, IReadOnlyList<SimMessageDto>? Messages);

public sealed record NewCustomer(string? Network, string? Name, string? Id);

public sealed record CustomerText(string? Text);

public sealed record CustomerChoice(string? MessageId, string? ChoiceId);

/// <summary>What the customer's message became: the message, and what Parley's webhook endpoint answered.</summary>
public sealed record SentDto(SimMessageDto Message, int? WebhookStatus, string WebhookAnswer);

/// <summary>The small JSON API behind the /simulator page: networks, customers, chats, the customer's messages and picks, the inspector.</summary>
public static class SimulatorPageApi
{
    public const int MaxName = 60;
    public const int MaxText = 2000;

    public static RouteGroupBuilder MapSimulatorPageApi(this RouteGroupBuilder simulator)
    {
        var api = simulator.MapGroup("/api");
        api.MapGet("/networks", NetworksAsync);
        api.MapGet("/customers", Customers);
        api.MapPost("/customers", Create);
        api.MapGet("/customers/{network}/{id}", Chat);
        api.MapPost("/customers/{network}/{id}/messages", SendAsync);
        api.MapPost("/customers/{network}/{id}/choices", ChooseAsync);
        api.MapGet("/inspector", (long? after, SimulatorState state) => TypedResults.Ok(state.InspectorAfter(after ?? 0)));
        return simulator;
    }

    private static async Task<Ok<List<NetworkDto>>> NetworksAsync(SimulatorConnections connections, CancellationToken ct)
    {
        var networks = new List<NetworkDto>();
        foreach (var network in SimulatedNetworks.All)
        {
            var connection = await connections.FindAsync(network, ct);
            networks.Add(new NetworkDto(SimulatedNetworks.Slug(network), SimulatedNetworks.Label(network), SimulatedNetworks.IdName(network),
                connection is not null, connection?.ExternalId, SimulatedNetworks.WebhookPath(network), connection?.Settings.ApiUrl));
        }

        return TypedResults.Ok(networks);
    }

    private static Results<Ok<List<CustomerDto>>, ProblemHttpResult> Customers(string? network, SimulatorState state) =>
        SimulatedNetworks.FromSlug(network) is { } n
            ? TypedResults.Ok(state.Customers(n).Select(c => state.Read(() => Summary(c))).ToList())
            : UnknownNetwork();

    private static Results<Created<CustomerDto>, Ok<CustomerDto>, ProblemHttpResult> Create(NewCustomer draft, SimulatorState state)
    {
        if (SimulatedNetworks.FromSlug(draft.Network) is not { } network)
        {
            return UnknownNetwork();
        }

        var name = PlatformText.Clean(draft.Name ?? string.Empty).Trim();
        if (name.Length is 0 or > MaxName)
        {
            return Problem($"A customer has a name of 1 to {MaxName} characters.");
        }

        var id = string.IsNullOrWhiteSpace(draft.Id) ? SimulatedNetworks.NewCustomerId(network) : draft.Id.Trim().TrimStart('+');
        if (!SimulatedNetworks.IsValidCustomerId(id))
        {
            return Problem($"A {SimulatedNetworks.IdName(network)} is 5 to 20 digits.");
        }

        var existed = state.Find(network, id) is not null;
        var customer = state.GetOrAdd(network, id, name);
        var dto = state.Read(() => Summary(customer));
        return existed ? TypedResults.Ok(dto) : TypedResults.Created($"/simulator/api/customers/{SimulatedNetworks.Slug(network)}/{id}", dto);
    }

    /// <summary>The chat, when it changed since <paramref name="since"/>. Showing it means the customer looks at it: waiting messages are read.</summary>
    private static Results<Ok<ChatDto>, ProblemHttpResult> Chat(string network, string id, long? since, SimulatorState state, SimulatedReceipts receipts)
    {
        if (Find(network, id, state) is not { } customer)
        {
            return UnknownCustomer();
        }

        // Not a change of the chat (its version stays): only whether its messages get read.
        state.Read(() => customer.ViewedAt = state.Clock.GetUtcNow());
        if (receipts.HasPending(customer))
        {
            receipts.Wake(customer);
        }

        return TypedResults.Ok(state.Read(() => new ChatDto(
            customer.Version,
            Summary(customer),
            customer.TypingUntil > state.Clock.GetUtcNow(),
            true,
            since == customer.Version ? null : customer.Messages.Select(Dto).ToList())));
    }

    private static async Task<Results<Ok<SentDto>, ProblemHttpResult>> SendAsync(
        string network, string id, CustomerText body, SimulatorState state, SimulatorConnections connections, WebhookSender webhooks, CancellationToken ct)
    {
        var text = PlatformText.Clean(body.Text ?? string.Empty).Trim();
        if (text.Length is 0 or > MaxText)
        {
            return Problem($"A message has 1 to {MaxText} characters.");
        }

        if (Find(network, id, state) is not { } customer)
        {
            return UnknownCustomer();
        }

        var messageId = SimulatedNetworks.NewMessageId(customer.Network);
        return await PostAsync(customer, new CustomerEvent.Text(messageId, state.Clock.GetUtcNow(), text), text, "message", state, connections, webhooks, ct);
    }

    /// <summary>The customer picks a quick reply, a template button, a WhatsApp reply button or a list row of a brand message.</summary>
    private static async Task<Results<Ok<SentDto>, ProblemHttpResult>> ChooseAsync(
        string network, string id, CustomerChoice body, SimulatorState state, SimulatorConnections connections, WebhookSender webhooks, CancellationToken ct)
    {
        if (Find(network, id, state) is not { } customer)
        {
            return UnknownCustomer();
        }

        var (message, choice) = state.Read(() =>
        {
            var m = customer.Messages.FirstOrDefault(m => !m.FromCustomer && m.Id == body.MessageId);
            return (m, m?.Choices.FirstOrDefault(c => c.Id == body.ChoiceId));
        });
        if (message is null || choice is null)
        {
            return Problem("messageId and choiceId name a choice of one of the brand's messages in this chat.");
        }

        if (message.Style == ChoiceStyle.QuickReplies && message.Answered)
        {
            return Problem("Quick replies disappear once one is picked.", StatusCodes.Status409Conflict);
        }

        var mid = SimulatedNetworks.NewMessageId(customer.Network);
        var now = state.Clock.GetUtcNow();
        CustomerEvent pick = message.Style switch
        {
            ChoiceStyle.QuickReplies => new CustomerEvent.QuickReply(mid, now, choice.Title, choice.Id),
            ChoiceStyle.Postbacks => new CustomerEvent.Postback(mid, now, choice.Title, choice.Id),
            _ => new CustomerEvent.Interactive(mid, now, message.Style == ChoiceStyle.List, choice.Id, choice.Title, choice.Description, message.Id),
        };
        state.Change(customer, _ => message.Answered = true);
        return await PostAsync(customer, pick, choice.Title, message.Style.ToString(), state, connections, webhooks, ct);
    }

    private static async Task<Results<Ok<SentDto>, ProblemHttpResult>> PostAsync(
        SimCustomer customer, CustomerEvent e, string shown, string what, SimulatorState state, SimulatorConnections connections, WebhookSender webhooks, CancellationToken ct)
    {
        if (await connections.FindAsync(customer.Network, ct) is not { } connection)
        {
            return Problem($"No enabled {SimulatedNetworks.Label(customer.Network)} connection of this server talks to the simulator.", StatusCodes.Status409Conflict);
        }

        var message = new SimMessage { Id = e.MessageId, FromCustomer = true, At = e.At, Text = shown, Status = SimStatus.Sending };
        state.Add(customer, message);
        var result = await webhooks.PostAsync(customer.Network, connection, WebhookPayloads.Customer(customer.Network, connection.ExternalId, customer, e), what, ct);
        state.Change(customer, _ =>
        {
            message.WebhookStatus = result.Status;
            if (message.Status == SimStatus.Sending)
            {
                message.Status = result.Accepted ? SimStatus.Sent : SimStatus.Failed;
            }

            return true;
        });
        return TypedResults.Ok(new SentDto(state.Read(() => Dto(message)), result.Status, result.Body));
    }

    private static SimCustomer? Find(string network, string id, SimulatorState state) =>
        SimulatedNetworks.FromSlug(network) is { } n ? state.Find(n, id) : null;

    private static CustomerDto Summary(SimCustomer c) => new(
        SimulatedNetworks.Slug(c.Network), c.PlatformId, c.Name, c.Messages.LastOrDefault()?.Text, c.LastActivity,
        c.Messages.Count(m => !m.FromCustomer && m.Status is SimStatus.Sent or SimStatus.Delivered));

    private static SimMessageDto Dto(SimMessage m) => new(
        m.Id, m.FromCustomer, m.At, m.Text, m.Style, m.Choices, m.ListButton, m.Answered, m.MediaKind, m.MediaUrl, m.Template, m.Status, m.WebhookStatus,
        m.Failure is { } f ? $"{f.Code} {f.Title}" : null);

    private static ProblemHttpResult Problem(string detail, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(detail, statusCode: status, title: status == StatusCodes.Status409Conflict ? "Conflict" : "Invalid simulator request");

    private static ProblemHttpResult UnknownNetwork() => Problem("network is messenger, instagram, whatsapp or x.");

    private static ProblemHttpResult UnknownCustomer() =>
        TypedResults.Problem("The simulator has no such customer (it forgets them when the server restarts).", statusCode: StatusCodes.Status404NotFound, title: "Unknown customer");
}
