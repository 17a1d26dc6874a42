namespace Parley.Bots.Understanding;

/// <summary>
/// Words that mark French, English or Italian in customer messages: function words, greetings and the service's own
/// vocabulary, written here folded (no accents). They are scored directly and also give each language its letter
/// trigram profile, which recognises words not in the lists ("spedizione" looks Italian without being listed).
/// </summary>
internal static class LanguageWords
{
    public static readonly IReadOnlyDictionary<string, string> ByLanguage = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fr"] = """
            le la les un une des du de au aux et ou mais donc car ni que qui quoi dont ou est sont suis es sommes etes ai as avons
            avez ont etait sera fait faire je tu il elle nous vous ils elles on me te se moi toi lui leur leurs mon ma mes ton ta
            tes son sa ses notre votre nos vos ce cet cette ces ne pas plus jamais rien tres bien avec sans pour par sur sous dans
            chez depuis pendant avant apres toujours encore deja aussi comment pourquoi quand combien quel quelle quels bonjour
            bonsoir salut merci beaucoup svp stp oui non colis commande livraison livre livree facture remboursement adresse
            conseiller humain agent aide besoin voudrais veux peux pouvez pourriez parler recu recue attends attente semaine
            jours hier aujourd hui demain bloque perdu probleme retard numero suivi envoi lettre bureau poste horaires ouverture
            carte compte paiement argent mot passe changer annuler inadmissible nul content contente satisfait merci parfait
            genial super rapide lent toujours rien personne reponse repondre enfin voila alors ici
            """,
        ["en"] = """
            the a an and or but so because of to in on at by for with without from into about is are was were be been being am
            have has had do does did will would can could should shall may might must i you he she it we they me him her us
            them my your his its our their this that these those not no yes very just still already also how why when where
            what which who whom whose hello hi hey thanks thank please parcel package order delivery delivered invoice refund
            address advisor human agent help need want wanted speak talk someone person received waiting week days yesterday
            today tomorrow stuck lost problem late number tracking track shipment letter office post opening hours card
            account payment money password change cancel terrible awful great perfect good bad happy angry nobody answer reply
            there here get got my me again
            """,
        ["it"] = """
            il lo la i gli le un uno una di del della dei degli delle da dal dalla in nel nella con su sul sulla per tra fra e ed
            o ma perche che chi cui non sono sei siamo siete ho hai abbiamo avete hanno era sara fatto fare io tu lui lei noi voi
            loro mi ti si ci vi mio mia miei mie tuo tua suo sua nostro vostro questo questa quello quella molto bene senza
            sempre ancora gia anche come quando quanto quale dove buongiorno buonasera ciao salve grazie mille prego si no
            pacco ordine consegna consegnato fattura rimborso indirizzo operatore umano assistenza aiuto bisogno vorrei voglio
            posso potete parlare ricevuto aspetto attesa settimana giorni ieri oggi domani bloccato perso problema ritardo
            numero spedizione lettera ufficio postale orari apertura carta conto pagamento soldi cambiare annullare vergognoso
            pessimo ottimo perfetto contento soddisfatto nessuno risposta rispondere ancora niente qui ecco allora
            """,
    };
}
