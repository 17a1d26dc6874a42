namespace Parley.Bots.Understanding;

/// <summary>
/// Polarity of words as customers of a delivery or banking service use them, from -3 (outrage) to +3 (delight), written
/// folded (no accents) for French, English and Italian, and the words that negate or strengthen them. Written for
/// Parley; weights reflect how strongly a word signals (dis)satisfaction in a support conversation, so "bloque" or
/// "stuck" are negative here although neutral in general language.
/// </summary>
internal static class SentimentLexicon
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Polarity = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal)
    {
        ["fr"] = Parse("""
            merci:1 remercie:1.5 parfait:3 parfaite:3 excellent:3 excellente:3 genial:3 geniale:3 super:2 top:2 bravo:2
            bien:1.5 bon:1.5 bonne:1.5 content:2 contente:2 satisfait:2 satisfaite:2 ravi:2.5 ravie:2.5 rapide:1.5 efficace:2
            aimable:2 gentil:2 gentille:2 agreable:2 impeccable:3 formidable:3 resolu:1.5 regle:1 enfin:0.5 adore:3 top:2
            mal:-1.5 mauvais:-2 mauvaise:-2 nul:-2.5 nulle:-2.5 lent:-1.5 lente:-1.5 bloque:-1.5 bloquee:-1.5 perdu:-2 perdue:-2
            retard:-1.5 probleme:-1.5 problemes:-1.5 inadmissible:-3 inacceptable:-3 scandaleux:-3 honteux:-3 honte:-3
            decu:-2 decue:-2 deception:-2 colere:-2.5 enerve:-2.5 enervee:-2.5 furieux:-3 furieuse:-3 marre:-2.5 pire:-2.5
            horrible:-3 catastrophe:-3 catastrophique:-3 arnaque:-3 abime:-2 abimee:-2 casse:-2 cassee:-2 incompetent:-3
            insupportable:-3 plainte:-2 reclamation:-1.5 jamais:-0.5 aucune:-0.5 impossible:-1.5 malheureusement:-1
            inquiet:-1.5 inquiete:-1.5 grave:-1.5 vol:-2 vole:-2 rembourser:-0.5 attends:-0.5 toujours:-0.3
            """),
        ["en"] = Parse("""
            thanks:1 thank:1 perfect:3 excellent:3 great:2.5 awesome:3 amazing:3 super:2 good:1.5 nice:1.5 fine:1 happy:2
            glad:2 satisfied:2 pleased:2 fast:1.5 quick:1.5 quickly:1 efficient:2 helpful:2 kind:2 friendly:2 love:3
            resolved:1.5 solved:1.5 fixed:1.5 finally:0.5 appreciate:2 brilliant:3 wonderful:3
            bad:-2 poor:-2 terrible:-3 awful:-3 horrible:-3 worst:-3 worse:-2.5 slow:-1.5 stuck:-1.5 lost:-2 late:-1.5
            delay:-1.5 delayed:-1.5 problem:-1.5 problems:-1.5 issue:-1 unacceptable:-3 ridiculous:-2.5 disgrace:-3
            disappointed:-2 disappointing:-2 angry:-2.5 annoyed:-2 furious:-3 fed:-1 useless:-2.5 scam:-3 broken:-2
            damaged:-2 rude:-2.5 incompetent:-3 complaint:-2 unfortunately:-1 never:-0.5 impossible:-1.5 worried:-1.5
            stolen:-2 hate:-3 joke:-1.5 nightmare:-3 wrong:-1.5 waiting:-0.5 still:-0.3
            """),
        ["it"] = Parse("""
            grazie:1 ringrazio:1.5 perfetto:3 perfetta:3 ottimo:3 ottima:3 eccellente:3 fantastico:3 super:2 bravo:2 brava:2
            bene:1.5 buono:1.5 buona:1.5 contento:2 contenta:2 soddisfatto:2 soddisfatta:2 felice:2 veloce:1.5 rapido:1.5
            efficiente:2 gentile:2 gentilissimo:2.5 cortese:2 risolto:1.5 finalmente:0.5 adoro:3 splendido:3
            male:-1.5 cattivo:-2 pessimo:-3 pessima:-3 terribile:-3 orribile:-3 lento:-1.5 lenta:-1.5 bloccato:-1.5
            bloccata:-1.5 perso:-2 persa:-2 ritardo:-1.5 problema:-1.5 problemi:-1.5 inaccettabile:-3 inammissibile:-3
            vergogna:-3 vergognoso:-3 scandaloso:-3 deluso:-2 delusa:-2 arrabbiato:-2.5 arrabbiata:-2.5 furioso:-3
            stufo:-2.5 stufa:-2.5 peggio:-2.5 peggiore:-2.5 disastro:-3 truffa:-3 rotto:-2 rotta:-2 danneggiato:-2
            maleducato:-2.5 incompetente:-3 reclamo:-2 purtroppo:-1 impossibile:-1.5 preoccupato:-1.5 preoccupata:-1.5
            rubato:-2 odio:-3 assurdo:-2.5 ancora:-0.3 aspetto:-0.5
            """),
    };

    /// <summary>Words that flip the polarity of what follows ("pas content", "not bad", "non funziona").</summary>
    public static readonly HashSet<string> Negators = TextFolding.WordSet("""
        not no never nothing nobody don doesn didn isn wasn aren won cannot cant without hardly
        ne n pas jamais rien personne aucun aucune sans guere
        non mai niente nessuno nessuna senza neanche nemmeno
        """);

    /// <summary>Words that strengthen the next polarity word ("très déçu", "really bad", "molto gentile").</summary>
    public static readonly HashSet<string> Intensifiers = TextFolding.WordSet("""
        very really so too extremely totally completely absolutely truly
        tres vraiment trop extremement totalement completement absolument tellement
        molto davvero troppo estremamente totalmente completamente assolutamente proprio cosi
        """);

    private static Dictionary<string, double> Parse(string entries) =>
        TextFolding.ListedWords(entries)
            .Select(e => e.Split(':'))
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => double.Parse(g.First()[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
