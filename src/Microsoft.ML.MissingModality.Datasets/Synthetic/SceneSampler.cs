namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// The prior over scenes (documented in docs/synthetic-benchmark.md). Its numbers are round values read off the
/// real validation split's answer statistics (how often a voiceover, a silent player, an off-screen sound occur),
/// never fitted to any model. Sampling is staged — layout (what is seen) then sound (what is heard) — so the
/// difficulty report can redraw the facts one modality cannot observe while keeping the ones it can.
/// </summary>
internal static class SceneSampler
{
    public const double SilentProbability = 0.12;
    public const double OffScreenProbability = 0.12;
    public const double VoiceoverProbability = 0.20;

    private static readonly string[] Ensembles = ["classical", "folk", "chinese"];
    private static readonly double[] EnsembleWeights = [0.50, 0.35, 0.15];
    private static readonly double[] IndoorProbability = [0.80, 0.50, 0.70];
    private static readonly double[] TypeCountWeights = [0.40, 0.38, 0.16, 0.06];
    // Players per instrument type: 1..8, then a rare large section (11 or 12) so "more than ten" occurs.
    private static readonly double[] PlayersWeights = [0, 0.72, 0.18, 0.06, 0.02, 0.007, 0.005, 0.003, 0.002, 0, 0, 0.0015, 0.0015];

    // Instrument weights per ensemble, in MusicAvqaVocabulary.Instruments order; 0.1 lets anything appear anywhere.
    private static readonly Dictionary<string, double>[] EnsembleInstruments =
    [
        new() { ["violin"] = 5, ["cello"] = 4, ["piano"] = 5, ["flute"] = 3, ["clarinet"] = 2, ["bassoon"] = 2, ["trumpet"] = 2, ["tuba"] = 1.5, ["saxophone"] = 1, ["accordion"] = 1, ["xylophone"] = 0.5 },
        new() { ["acoustic_guitar"] = 5, ["ukulele"] = 4, ["banjo"] = 2, ["accordion"] = 2, ["bagpipe"] = 1, ["congas"] = 1.5, ["drum"] = 1.5, ["electric_bass"] = 1.5, ["xylophone"] = 1, ["saxophone"] = 1, ["trumpet"] = 1, ["violin"] = 1 },
        new() { ["erhu"] = 4, ["pipa"] = 4, ["guzheng"] = 4, ["suona"] = 2, ["flute"] = 2, ["violin"] = 0.3, ["piano"] = 0.3 },
    ];

    // Mean rhythm by playing technique: struck > plucked > bowed/blown.
    private static readonly Dictionary<string, double> RhythmMean = new()
    {
        ["drum"] = 0.85, ["congas"] = 0.85, ["xylophone"] = 0.7, ["banjo"] = 0.65, ["acoustic_guitar"] = 0.6,
        ["ukulele"] = 0.6, ["electric_bass"] = 0.6, ["guzheng"] = 0.55, ["pipa"] = 0.55, ["piano"] = 0.5,
        ["accordion"] = 0.35, ["bagpipe"] = 0.25,
    };

    public static Scene Sample(int segments, SyntheticRandom rng)
    {
        int ensemble = rng.Categorical(EnsembleWeights);
        bool indoor = rng.Bernoulli(IndoorProbability[ensemble]);
        var players = new List<string>();
        int types = 1 + rng.Categorical(TypeCountWeights);
        var chosen = new HashSet<string>();
        while (chosen.Count < types)
            chosen.Add(DrawInstrument(ensemble, rng));
        foreach (string type in chosen)
        {
            int n = rng.Categorical(PlayersWeights);
            for (int k = 0; k < n && players.Count < 14; k++) players.Add(type);
        }
        var layout = Layout(players, segments, rng);
        return AddSound(new Scene(segments, Ensembles[ensemble], indoor, layout, new float[segments]), rng);
    }

    /// <summary>Keeps what is seen (players, positions, venue) and redraws everything heard.</summary>
    public static Scene RedrawSound(Scene scene, SyntheticRandom rng)
    {
        var visible = scene.Visible.Select(i => i with { Loudness = new float[scene.Segments], Rhythm = 0 }).ToList();
        return AddSound(scene with { Instruments = visible, Voiceover = new float[scene.Segments] }, rng);
    }

    /// <summary>Keeps what is heard (sources, loudness, rhythm, voiceover) and redraws what is seen.</summary>
    public static Scene RedrawSight(Scene scene, SyntheticRandom rng)
    {
        int ensemble = Array.IndexOf(Ensembles, scene.Ensemble);
        var heard = scene.Heard.ToList();
        int offScreen = heard.Count > 0 && rng.Bernoulli(OffScreenProbability) ? rng.Next(heard.Count) : -1;
        var onScreen = new List<SceneInstrument>();
        var result = new List<SceneInstrument>();
        for (int i = 0; i < heard.Count; i++)
        {
            if (i == offScreen) result.Add(heard[i] with { OnScreen = false, X = -1, Y = -1 });
            else onScreen.Add(heard[i] with { OnScreen = true });
        }
        var seenTypes = onScreen.Select(i => i.Instrument).Distinct().ToList();
        int silentDraws = Math.Max(1, onScreen.Count);
        for (int i = 0; i < silentDraws; i++)
        {
            if (!rng.Bernoulli(SilentProbability) && onScreen.Count > 0) continue;
            string type = seenTypes.Count > 0 && rng.Bernoulli(0.5) ? seenTypes[rng.Next(seenTypes.Count)] : DrawInstrument(ensemble, rng);
            onScreen.Add(new SceneInstrument(type, true, 0, 0, new float[scene.Segments], 0));
        }
        var placed = Layout(onScreen.Select(i => i.Instrument).ToList(), scene.Segments, rng);
        for (int i = 0; i < placed.Count; i++)
            result.Add(onScreen[i] with { X = placed[i].X, Y = placed[i].Y });
        return scene with { Indoor = rng.Bernoulli(IndoorProbability[ensemble]), Instruments = result };
    }

    private static string DrawInstrument(int ensemble, SyntheticRandom rng)
    {
        var names = MusicAvqaVocabulary.Instruments;
        Span<double> w = stackalloc double[names.Count];
        for (int i = 0; i < names.Count; i++)
            w[i] = EnsembleInstruments[ensemble].GetValueOrDefault(names[i], 0.1);
        return names[rng.Categorical(w)];
    }

    /// <summary>Spreads players left to right in a random order, each jittered within its slot.</summary>
    private static List<SceneInstrument> Layout(List<string> players, int segments, SyntheticRandom rng)
    {
        var order = players.ToList();
        rng.Shuffle(order);
        int n = order.Count;
        var result = new List<SceneInstrument>(n);
        for (int i = 0; i < n; i++)
        {
            float x = (float)Math.Clamp((i + 0.5 + rng.Uniform(-0.25, 0.25)) / n, 0.02, 0.98);
            float y = (float)rng.Uniform(0.3, 0.75);
            result.Add(new SceneInstrument(order[i], true, x, y, new float[segments], 0));
        }
        return result;
    }

    private static Scene AddSound(Scene scene, SyntheticRandom rng)
    {
        int T = scene.Segments;
        int ensemble = Array.IndexOf(Ensembles, scene.Ensemble);
        var result = new List<SceneInstrument>();
        foreach (var player in scene.Instruments)
        {
            bool silent = rng.Bernoulli(SilentProbability);
            result.Add(player with { Loudness = silent ? new float[T] : Pattern(T, rng), Rhythm = DrawRhythm(player.Instrument, rng) });
        }
        if (result.Count > 0 && !result.Any(i => i.IsSounding))
            result[0] = result[0] with { Loudness = Pattern(T, rng) };
        if (rng.Bernoulli(OffScreenProbability))
        {
            var seen = result.Select(i => i.Instrument).ToHashSet();
            string type = DrawInstrument(ensemble, rng);
            for (int tries = 0; tries < 20 && seen.Contains(type); tries++) type = DrawInstrument(ensemble, rng);
            if (!seen.Contains(type))
                result.Add(new SceneInstrument(type, false, -1, -1, Pattern(T, rng), DrawRhythm(type, rng)));
        }
        var voice = new float[T];
        if (rng.Bernoulli(VoiceoverProbability))
        {
            int start = rng.Next(0, Math.Max(1, T - 2));
            int end = Math.Min(T, start + rng.Next(3, T + 1));
            for (int t = start; t < end; t++) voice[t] = (float)rng.Uniform(0.5, 1.0);
        }
        return scene with { Instruments = result, Voiceover = voice };
    }

    /// <summary>When it comes in, when it stops, maybe a short rest, and its loudness while playing.</summary>
    private static float[] Pattern(int T, SyntheticRandom rng)
    {
        var loud = new float[T];
        int onset = T < 3 || rng.Bernoulli(0.55) ? 0 : rng.Next(1, T - 1);
        int end = rng.Bernoulli(0.7) ? T : Math.Min(T, rng.Next(onset + 2, T + 2));
        double level = rng.Uniform(0.35, 1.0);
        for (int t = onset; t < end; t++) loud[t] = (float)(level * rng.Uniform(0.85, 1.15));
        if (end - onset >= 5 && rng.Bernoulli(0.15))
        {
            int gap = rng.Next(onset + 1, end - 2);
            int len = rng.Next(1, 3);
            for (int t = gap; t < Math.Min(end - 1, gap + len); t++) loud[t] = 0;
        }
        return loud;
    }

    private static float DrawRhythm(string instrument, SyntheticRandom rng) =>
        (float)Math.Clamp(RhythmMean.GetValueOrDefault(instrument, 0.3) + 0.15 * rng.Gaussian(), 0, 1);
}
