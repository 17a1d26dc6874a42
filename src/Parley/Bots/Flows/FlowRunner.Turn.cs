using System.Text.Json.Nodes;
using Parley.Bots.Templates;

namespace Parley.Bots.Flows;

public sealed partial class FlowRunner
{
    /// <summary>A turn under way: the state as it changes, what is sent, and the customer's message until a step uses it.</summary>
    private sealed class Turn(FlowDocument flow, FlowContext context, FlowState state, CustomerInput? input)
    {
        public FlowDocument Flow { get; } = flow;
        public FlowState State { get; set; } = state with { Vars = (JsonObject)state.Vars.DeepClone() };
        public CustomerInput? Input { get; private set; } = input;

        /// <summary>The message this turn answers, still seen by templates (<c>message.text</c>) once a step took it.</summary>
        private readonly CustomerInput? _message = input;
        public List<FlowMessage> Messages { get; } = [];
        public List<FlowEvent> Events { get; } = [];
        public JsonObject Vars => State.Vars;

        /// <summary>The customer's message, once: the step that reads it takes it.</summary>
        public CustomerInput? Take()
        {
            var taken = Input;
            Input = null;
            return taken;
        }

        public void Send(FlowStep step, FlowTemplates templates)
        {
            var text = step.Text is null ? string.Empty : templates.Render(step.Text, Model());
            var options = step.Options.Count == 0 ? null : step.Options.Select(o => Rendered(o, templates)).ToList();
            var cards = Cards(step, templates);
            if (text.Length > 0 || options is not null || step.ImageUrl is not null || cards is not null)
            {
                Messages.Add(new FlowMessage(text, options, step.Style, step.ImageUrl is null ? null : templates.Render(step.ImageUrl, Model()), cards));
            }
        }

        /// <summary>The step's cards with their templates rendered; each choice button carries its key as its id.</summary>
        public List<FlowCard>? Cards(FlowStep step, FlowTemplates templates)
        {
            if (step.Cards.Count == 0)
            {
                return null;
            }

            string? Render(string? template) => template is null ? null : templates.Render(template, Model());
            return step.Cards.Select(c => new FlowCard
            {
                Title = templates.Render(c.Title, Model()),
                Subtitle = Render(c.Subtitle),
                ImageUrl = Render(c.ImageUrl),
                Url = Render(c.Url),
                Buttons = c.Buttons.Select(b => new FlowCardButton
                {
                    Id = b.IsLink ? null : b.Key,
                    Title = templates.Render(b.Title, Model()),
                    Url = Render(b.Url),
                    Next = b.Next,
                }).ToList(),
            }).ToList();
        }

        public void SendText(string? template, FlowTemplates templates)
        {
            if (template is { Length: > 0 } && templates.Render(template, Model()) is { Length: > 0 } text)
            {
                Messages.Add(new FlowMessage(text));
            }
        }

        public FlowTurn Finish(FlowAction action)
        {
            if (action is FlowAction.Handoff handoff)
            {
                Events.Add(new FlowEvent(FlowEventKind.HandedOff, State.At, handoff.Reason));
            }

            var ends = action is FlowAction.Handoff or FlowAction.Resolve or FlowAction.Goto or FlowAction.External;
            return new FlowTurn(Messages, ends ? State with { At = null, CallingApi = false } : State, action, Events);
        }

        /// <summary>What templates and conditions see.</summary>
        public JsonObject Model()
        {
            var model = new JsonObject
            {
                ["contact"] = context.Contact.DeepClone(),
                ["conversation"] = context.Conversation.DeepClone(),
                ["business_hours"] = new JsonObject { ["open"] = context.BusinessHoursOpen },
                ["vars"] = Vars.DeepClone(),
            };
            if (_message is { } message)
            {
                model["message"] = new JsonObject
                {
                    ["text"] = message.Text,
                    ["intent"] = message.Insight.Intent,
                    ["intent_confidence"] = message.Insight.IntentConfidence,
                    ["language"] = message.Insight.Language,
                    ["sentiment"] = message.Insight.Sentiment,
                };
            }

            return model;
        }

        private FlowOption Rendered(FlowOption option, FlowTemplates templates) => new()
        {
            Id = option.Key,
            Title = templates.Render(option.Title, Model()),
            Description = option.Description is null ? null : templates.Render(option.Description, Model()),
            Next = option.Next,
        };
    }
}
