namespace Parley.Bench;

internal static partial class FlowApiBench
{
    private const string SetLookup = """
        - { id: lookup, type: set, set: { status: shipped }, next: said }
        """;

    /// <summary>
    /// Every message (a choice or any text) is answered after the lookup, then the question comes again: each customer
    /// message of the closed and open loops gets a reply that waited for the lookup.
    /// </summary>
    private static string Flow(string lookup) => $$$"""
        name: Bench
        start: topic
        variables: [status]
        steps:
        - id: topic
          type: ask
          text: What is your question about?
          options:
          - { id: parcels, title: Parcels, next: lookup }
          - { id: bank, title: Bank, next: lookup }
          - { id: mobile, title: Mobile, next: lookup }
          next: lookup
        {{{lookup}}}
        - { id: said, type: message, text: "Status: {{ vars.status }}", next: topic }
        """;

    private static string ApiLookup(Uri api) => $$$"""
        - id: lookup
          type: api
          api: { url: "{{{api}}}orders/42", extract: { status: status }, timeout_seconds: 5, retries: 0 }
          on_success: said
          on_failure: sorry
        - { id: sorry, type: message, text: The service did not answer., next: topic }
        """;
}
