using System.Text.Json.Nodes;
using Parley.Bots.Templates;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots.Templates;

public sealed class FlowTemplatesTests
{
    private readonly FlowTemplates _templates = new(new TestClock());

    private static JsonObject Model() => JsonNode.Parse("""
        {
          "contact": { "first_name": "Alice", "email": null },
          "vars": {
            "parcel": {
              "number": "RR123456789IT",
              "status": "in_transit",
              "updated_at": "2026-11-24T16:30:00Z",
              "events": [ { "label": "Accepted" }, { "label": "In transit" } ]
            },
            "text": "He said \"hi\", then \\ and \n a new line"
          }
        }
        """)!.AsObject();

    [Fact]
    public void Variables_and_nested_json_render()
    {
        var text = _templates.Render("Hello {{ contact.first_name }}, your parcel {{ vars.parcel.number }} is {{ vars.parcel.status }}", Model());

        Assert.Equal("Hello Alice, your parcel RR123456789IT is in_transit", text);
    }

    [Fact]
    public void Loops_and_indexes_walk_json_arrays()
    {
        var text = _templates.Render(
            "{% for e in vars.parcel.events %}{{ forloop.index }}. {{ e.label }};{% endfor %} last: {{ vars.parcel.events[1].label }} ({{ vars.parcel.events.size }})",
            Model());

        Assert.Equal("1. Accepted;2. In transit; last: In transit (2)", text);
    }

    [Fact]
    public void Filters_apply_to_json_values()
    {
        var text = _templates.Render(
            "{{ vars.parcel.status | upcase }} {{ vars.parcel.updated_at | date: '%d/%m/%Y %H:%M' }} {{ contact.email | default: 'no email' }} {{ 'now' | date: '%Y-%m-%d' }}",
            Model());

        Assert.Equal("IN_TRANSIT 24/11/2026 16:30 no email 2026-11-25", text);
    }

    [Fact]
    public void Missing_values_render_empty()
    {
        var text = _templates.Render("[{{ vars.nothing }}][{{ vars.parcel.nothing.deeper }}][{{ advisor.name }}][{{ vars.parcel.events[7].label }}]", Model());

        Assert.Equal("[][][][]", text);
    }

    [Fact]
    public void Output_is_plain_text_not_html()
    {
        var model = new JsonObject { ["vars"] = new JsonObject { ["q"] = "<b>Tom & Jerry's</b>" } };

        Assert.Equal("<b>Tom & Jerry's</b>", _templates.Render("{{ vars.q }}", model));
    }

    [Fact]
    public void A_syntax_error_is_reported_with_its_position()
    {
        var check = _templates.Check("Hello\n{{ contact.first_name ", new HashSet<string> { "contact" });

        Assert.False(check.Ok);
        Assert.Contains("(2:", Assert.Single(check.Errors), StringComparison.Ordinal);
        var error = Assert.Throws<TemplateException>(() => _templates.Render("{% if x %}never closed", Model()));
        Assert.Contains("endif", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_variables_are_named_and_prefixes_cover_their_members()
    {
        var known = new HashSet<string> { "contact.first_name", "vars.parcel" };

        var check = _templates.Check(
            "{{ contact.first_name }} {{ vars.parcel.status }} {{ vars.parcl }} {{ contact.last_name }} {% assign x = vars.parcel.events %}{% for e in x %}{{ e.label }}{{ forloop.index }}{% endfor %}",
            known);

        Assert.False(check.Ok);
        Assert.Equal(["Unknown variable vars.parcl", "Unknown variable contact.last_name"], check.Errors);
        Assert.True(_templates.Check("{{ contact }} {{ vars.parcel.events[0].label | upcase }}", known).Ok);
    }

    [Fact]
    public void Unknown_filters_are_named()
    {
        var check = _templates.Check("{{ vars.parcel | upcas }}", new HashSet<string> { "vars" });

        Assert.Equal(["Unknown filter upcas"], check.Errors);
    }

    [Fact]
    public void Templates_cannot_read_files()
    {
        Assert.Throws<TemplateException>(() => _templates.Render("{% include 'appsettings.json' %}", Model()));
        Assert.Throws<TemplateException>(() => _templates.Render("{% render '/etc/passwd' %}", Model()));
        Assert.False(_templates.Check("{% include 'x' %}", new HashSet<string>()).Ok);
    }

    [Fact]
    public void Output_over_the_cap_is_an_error()
    {
        var error = Assert.Throws<TemplateException>(() => _templates.Render("{% for i in (1..5000) %}0123456789{% endfor %}", Model()));

        Assert.Contains("16 KB", error.Message, StringComparison.Ordinal);
        Assert.Equal(FlowTemplates.MaxOutputChars, _templates.Render($"{{% for i in (1..{FlowTemplates.MaxOutputChars / 8}) %}}01234567{{% endfor %}}", Model()).Length);
    }

    [Fact]
    public void A_runaway_loop_stops_at_the_step_budget()
    {
        var error = Assert.Throws<TemplateException>(() => _templates.Render("{% for i in (1..10000000) %}{% endfor %}", Model()));

        Assert.Contains("steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_bodies_escape_hostile_text()
    {
        var body = _templates.RenderJson(
            """{ "number": "{{ vars.parcel.number }}", "note": "{{ vars.text }}", "events": {{ vars.parcel.events | json }} }""",
            Model());

        Assert.Equal("He said \"hi\", then \\ and \n a new line", body["note"]!.GetValue<string>());
        Assert.Equal(3, body.AsObject().Count);
        Assert.Equal("In transit", body["events"]![1]!["label"]!.GetValue<string>());
    }

    [Fact]
    public void A_value_cannot_add_members_to_a_json_body()
    {
        var model = new JsonObject { ["vars"] = new JsonObject { ["text"] = "x\", \"admin\": \"true" } };

        var body = _templates.RenderJson("""{ "note": "{{ vars.text }}" }""", model);

        Assert.Single(body.AsObject());
        Assert.Equal("x\", \"admin\": \"true", body["note"]!.GetValue<string>());
        var error = Assert.Throws<TemplateException>(() => _templates.RenderJson("""{ "note": {{ vars.text }} }""", model));
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }
}
