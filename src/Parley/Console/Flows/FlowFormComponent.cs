using Microsoft.AspNetCore.Components;

namespace Parley.Console.Flows;

/// <summary>Tells the editor page that a form changed the flow, so its graph, YAML and unsaved mark follow each edit.</summary>
public sealed class FlowEditSignal(Func<Task> changed)
{
    public Task NotifyAsync() => changed();
}

/// <summary>
/// The base of the editor's form components. Blazor re-renders only the component that handled an event (and "change"
/// does not bubble to the page's elements), so every event handled here is also signalled to the page: one place instead
/// of a callback on each of the forms' many fields.
/// </summary>
public abstract class FlowFormComponent : ComponentBase, IHandleEvent
{
    [CascadingParameter] public FlowEditSignal? Edits { get; set; }

    async Task IHandleEvent.HandleEventAsync(EventCallbackWorkItem callback, object? arg)
    {
        await callback.InvokeAsync(arg);
        StateHasChanged();
        if (Edits is not null)
        {
            await Edits.NotifyAsync();
        }
    }
}
