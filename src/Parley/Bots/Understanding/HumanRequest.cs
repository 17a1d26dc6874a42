namespace Parley.Bots.Understanding;

/// <summary>
/// Whether a customer asks for a person ("je veux parler à un conseiller", "talk to a human", "agent please",
/// "voglio parlare con un operatore", "un humain"). The rule, kept simple on purpose: a word for a person counts as a
/// request when (a) a request word (talk, want, parler, veux, voglio, passez...) comes at most <see cref="Window"/> words
/// before it, or (b) the message holds nothing else than such words, articles and politeness ("un humain svp").
/// So a mere mention ("the agent was rude", "le conseiller m'a raccroché au nez") does not trigger it; a negated request
/// ("I don't want an agent") still does, a rare case a bot survives by asking.
/// </summary>
public static class HumanRequest
{
    private const int Window = 4;

    private static readonly HashSet<string> People = TextFolding.WordSet("""
        human humans person someone somebody agent agents advisor adviser representative rep operator staff employee
        humain humaine conseiller conseillere personne quelqu agent operateur operatrice interlocuteur
        umano persona operatore operatrice consulente addetto qualcuno
        """);

    private static readonly HashSet<string> RequestWords = TextFolding.WordSet("""
        talk speak chat want need get connect transfer put give contact call reach let
        parler parle discuter veux voudrais voulais souhaite souhaiterais besoin passer passez passe mettre mettez
        joindre contacter avoir demande
        parlare parlo voglio vorrei desidero posso potete passare passami mettermi contattare avere bisogno serve
        """);

    private static readonly HashSet<string> Filler = TextFolding.WordSet("""
        a an the real live actual please pls plz now with to me i my
        un une le la un vrai vraie svp stp merci maintenant avec a moi je
        un uno una il lo l vero vera per favore subito con mi io
        """);

    public static bool IsAskingForHuman(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = TextFolding.Words(text);
        var onlyPeopleAndFiller = words.Count > 0;
        var lastRequest = -Window - 1;
        var mentionsPerson = false;
        for (var i = 0; i < words.Count; i++)
        {
            if (People.Contains(words[i]))
            {
                mentionsPerson = true;
                if (i - lastRequest <= Window)
                {
                    return true;
                }
            }
            else if (RequestWords.Contains(words[i]))
            {
                lastRequest = i;
                onlyPeopleAndFiller = false;
            }
            else if (!Filler.Contains(words[i]))
            {
                onlyPeopleAndFiller = false;
            }
        }

        return mentionsPerson && onlyPeopleAndFiller;
    }
}
