namespace Parley.Console.Help;

/// <summary>How the console words a help request's state.</summary>
public static class HelpWording
{
    public static string State(HelpRequestView request) => request.Status switch
    {
        HelpStatus.Open when request.JoinedBy is not null => $"{request.JoinedBy} joined",
        HelpStatus.Open => "waiting for a supervisor",
        HelpStatus.Answered => $"answered by {request.AnsweredBy}",
        _ when request.TakenOver => $"taken over by {request.ClosedBy}",
        _ => $"closed by {request.ClosedBy}",
    };
}
