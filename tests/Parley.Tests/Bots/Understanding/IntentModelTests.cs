using Parley.Bots.Understanding;

namespace Parley.Tests.Bots.Understanding;

public sealed class IntentModelTests
{
    // A bot's first intents, written as customers of a postal service write them, in the three languages mixed.
    internal static readonly IntentExample[] Examples =
    [
        new("où est mon colis", "track_parcel"),
        new("je voudrais suivre mon colis", "track_parcel"),
        new("mon colis n'est toujours pas arrivé", "track_parcel"),
        new("where is my parcel", "track_parcel"),
        new("track my package please", "track_parcel"),
        new("dov'è il mio pacco", "track_parcel"),
        new("vorrei tracciare la mia spedizione", "track_parcel"),
        new("je veux faire une réclamation", "complaint"),
        new("votre service est inadmissible, je porte plainte", "complaint"),
        new("I want to file a complaint", "complaint"),
        new("this is unacceptable, I am complaining", "complaint"),
        new("voglio fare un reclamo", "complaint"),
        new("servizio vergognoso, presento reclamo", "complaint"),
        new("quels sont vos horaires d'ouverture", "opening_hours"),
        new("à quelle heure ouvre le bureau de poste", "opening_hours"),
        new("what are your opening hours", "opening_hours"),
        new("when does the post office open", "opening_hours"),
        new("quali sono gli orari di apertura", "opening_hours"),
        new("a che ora apre l'ufficio postale", "opening_hours"),
        new("je veux parler à un conseiller", "talk_to_human"),
        new("un humain svp", "talk_to_human"),
        new("talk to a human", "talk_to_human"),
        new("can I speak to an agent", "talk_to_human"),
        new("voglio parlare con un operatore", "talk_to_human"),
        new("passami un operatore", "talk_to_human"),
    ];

    private static readonly Lazy<IntentModel> Model = new(() => IntentModel.Train(Examples));

    [Theory]
    [InlineData("Où est mon COLIS ?", "track_parcel")]
    [InlineData("ou est mon colsi", "track_parcel")]
    [InlineData("where's my parcel?", "track_parcel")]
    [InlineData("il mio pacco dov'è", "track_parcel")]
    [InlineData("je souhaite déposer une réclamation", "complaint")]
    [InlineData("I'd like to make a complaint", "complaint")]
    [InlineData("devo fare un reclamo", "complaint")]
    [InlineData("horaires du bureau de poste", "opening_hours")]
    [InlineData("opening hours of the office", "opening_hours")]
    [InlineData("orari ufficio postale", "opening_hours")]
    [InlineData("parler à un conseiller", "talk_to_human")]
    [InlineData("human agent please", "talk_to_human")]
    [InlineData("vorrei parlare con un operatore", "talk_to_human")]
    public void Classifies_unseen_phrases_in_three_languages(string text, string intent)
    {
        var prediction = Model.Value.Predict(text);

        Assert.Equal(intent, prediction.Intent);
        Assert.Equal(intent, prediction.Ranking[0].Intent);
        Assert.Equal(prediction.Confidence, prediction.Ranking[0].Score);
    }

    [Theory]
    [InlineData("colsi", "track_parcel")]
    [InlineData("spedizioni", "track_parcel")]
    [InlineData("reclami", "complaint")]
    [InlineData("horaire", "opening_hours")]
    public void Letter_n_grams_carry_typos_and_inflections_of_unseen_words(string text, string intent)
    {
        Assert.Equal(intent, Model.Value.Predict(text).Intent);
    }

    [Fact]
    public void Ranking_is_best_first_and_scores_are_probabilities()
    {
        var prediction = Model.Value.Predict("where is my parcel");

        Assert.Equal(4, prediction.Ranking.Count);
        Assert.Equal(prediction.Ranking.OrderByDescending(r => r.Score).Select(r => r.Intent), prediction.Ranking.Select(r => r.Intent));
        Assert.Equal(1.0, prediction.Ranking.Sum(r => r.Score), 3);
        Assert.True(prediction.Confidence > 0.5);
        Assert.Equal(["track_parcel", "complaint", "opening_hours", "talk_to_human"], Model.Value.Intents);
    }

    [Fact]
    public void Text_with_no_known_feature_gets_a_low_confidence()
    {
        Assert.True(Model.Value.Predict("xyzzy").Confidence < 0.5);
        Assert.NotNull(Model.Value.Predict("").Intent);
    }

    [Fact]
    public void A_model_trained_on_nothing_predicts_nothing()
    {
        var empty = IntentModel.Train([]);

        var prediction = empty.Predict("hello");
        Assert.Null(prediction.Intent);
        Assert.Equal(0, prediction.Confidence);
        Assert.Empty(prediction.Ranking);
        Assert.Empty(empty.Intents);
    }

    [Fact]
    public void Training_is_deterministic()
    {
        var again = IntentModel.Train(Examples);

        Assert.Equal(Model.Value.Predict("mon colis est perdu").Confidence, again.Predict("mon colis est perdu").Confidence);
    }

    [Fact]
    public void Predict_is_thread_safe()
    {
        var texts = Examples.Select(e => e.Text).Concat(["ou est mon colsi", "orari ufficio postale", "human agent please"]).ToArray();
        var expected = texts.Select(t => Model.Value.Predict(t)).ToArray();
        var mismatches = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var k = i % texts.Length;
            var prediction = Model.Value.Predict(texts[k]);
            if (prediction.Intent != expected[k].Intent || prediction.Confidence != expected[k].Confidence)
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Predict_allocates_little_more_than_the_prediction_it_returns()
    {
        const string text = "bonjour, je voudrais savoir où est mon colis, il n'est toujours pas arrivé";
        Model.Value.Predict(text);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            Model.Value.Predict(text);
        }

        // The prediction, its ranking array and five scores come to about 350 bytes.
        Assert.InRange((GC.GetAllocatedBytesForCurrentThread() - before) / 1_000, 0, 600);
    }

    [Fact]
    public void Training_honours_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => IntentModel.Train(Examples, cancelled.Token));
    }
}
