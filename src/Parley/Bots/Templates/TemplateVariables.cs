using Fluid;
using Fluid.Ast;

namespace Parley.Bots.Templates;

/// <summary>
/// Walks a parsed template once and records what it reads (dotted paths such as <c>vars.parcel.status</c>, cut at the
/// first index), the names it defines itself (assign, capture, loop variables), the filters it calls and the tags that
/// would reach the file system.
/// </summary>
internal sealed class TemplateVariables : AstVisitor
{
    // Liquid's own names: the loop helpers and the literals some parsers read as identifiers.
    private static readonly string[] BuiltIns = ["forloop", "tablerowloop", "empty", "blank", "nil", "null", "true", "false"];

    private readonly HashSet<string> _locals = new(BuiltIns, StringComparer.Ordinal);
    private readonly List<string> _paths = [];
    private readonly List<string> _filters = [];

    public bool ReadsFiles { get; private set; }

    public static TemplateVariables Of(IFluidTemplate template)
    {
        var visitor = new TemplateVariables();
        visitor.VisitTemplate(template);
        return visitor;
    }

    /// <summary>The paths read that no known variable covers, in order of appearance, each once.</summary>
    public IEnumerable<string> Unknown(IReadOnlySet<string> known) =>
        _paths.Where(path => !_locals.Contains(path.Split('.')[0]) && !IsCovered(path, known)).Distinct(StringComparer.Ordinal);

    public IEnumerable<string> UnknownFilters(FilterCollection filters) =>
        _filters.Where(name => !filters.TryGetValue(name, out _)).Distinct(StringComparer.Ordinal);

    /// <summary>"vars.parcel" covers "vars.parcel.status"; "vars.parcel.status" also makes reading "vars.parcel" legitimate.</summary>
    private static bool IsCovered(string path, IReadOnlySet<string> known)
    {
        if (known.Contains(path))
        {
            return true;
        }

        for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
        {
            if (known.Contains(path[..dot]))
            {
                return true;
            }
        }

        return known.Any(k => k.StartsWith(path + ".", StringComparison.Ordinal));
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        var names = memberExpression.Segments.TakeWhile(s => s is IdentifierSegment).Cast<IdentifierSegment>().Select(s => s.Identifier).ToList();
        if (names.Count > 0)
        {
            _paths.Add(string.Join('.', names));
        }

        return base.VisitMemberExpression(memberExpression);
    }

    protected override Expression VisitFilterExpression(FilterExpression filterExpression)
    {
        _filters.Add(filterExpression.Name);
        return base.VisitFilterExpression(filterExpression);
    }

    protected override Statement VisitAssignStatement(AssignStatement assignStatement) =>
        Defines(assignStatement.Identifier, base.VisitAssignStatement(assignStatement));

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement) =>
        Defines(captureStatement.Identifier, base.VisitCaptureStatement(captureStatement));

    protected override Statement VisitForStatement(ForStatement forStatement) =>
        Defines(forStatement.Identifier, base.VisitForStatement(forStatement));

    protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement) =>
        Defines(tableRowStatement.Identifier, base.VisitTableRowStatement(tableRowStatement));

    protected override Statement VisitIncrementStatement(IncrementStatement incrementStatement) =>
        Defines(incrementStatement.Identifier, base.VisitIncrementStatement(incrementStatement));

    protected override Statement VisitDecrementStatement(DecrementStatement decrementStatement) =>
        Defines(decrementStatement.Identifier, base.VisitDecrementStatement(decrementStatement));

    protected override Statement VisitIncludeStatement(IncludeStatement includeStatement) => ReadsFile(base.VisitIncludeStatement(includeStatement));

    protected override Statement VisitRenderStatement(RenderStatement renderStatement) => ReadsFile(base.VisitRenderStatement(renderStatement));

    // Locals count wherever they are defined (Liquid's assign is template-wide), so the order of visits does not matter.
    private Statement Defines(string name, Statement visited)
    {
        _locals.Add(name);
        return visited;
    }

    private Statement ReadsFile(Statement visited)
    {
        ReadsFiles = true;
        return visited;
    }
}
