namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// The prior over scenes (documented in docs/synthetic-benchmark.md). Its numbers are round values read off the
/// real validation split's answer statistics (how often a voiceover, an instrument that never sounds, an off-screen
/// sound, a section coming in together occur, how many players a kind has) or set against the difficulty report's
/// one-modality oracles, never fitted to any model. Sampling is staged — layout (what is seen) then sound (what is heard) — so the
/// difficulty report can redraw the facts one modality cannot observe while keeping the ones it can.
/// </summary>
internal static class SceneSampler
{
    /// <summary>A player who rests through the whole video (v3: per player; idle instruments come on top).</summary>
    public const double SilentProbability = 0.02;

    /// <summary>A lone instrument of its kind, in a video showing several kinds, that nobody plays (v3).</summary>
    public const double IdleProbability = 0.4;

    /// <summary>A section of several players of one kind, in a video showing several kinds, that does not play (v3).</summary>
    public const double IdleSectionProbability = 0.1;

    /// <summary>Players of one kind play one part together, coming in and stopping at the same moments (v3).</summary>
    public const double UnisonProbability = 0.8;

    /// <summary>
    /// How often a scene shows an idle kind, as the audio view's prior: measured on sampled scenes (the sound stage
    /// leaves a kind idle with <see cref="IdleProbability"/> or <see cref="IdleSectionProbability"/> only when several
    /// kinds are in view, so this is a rate, not a parameter; a test keeps it in step with the sampler).
    /// </summary>
    public const double IdleInViewProbability = 0.34;

    /// <summary>The share of idle kinds that are a lone instrument rather than a section (measured likewise: 0.80).</summary>
    public const double IdleLoneShare = 0.8;

    public const double OffScreenProbability = 0.12;
    public const double VoiceoverProbability = 0.20;

    private static readonly string[] Ensembles = ["classical", "folk", "chinese"];
    private static readonly double[] EnsembleWeights = [0.50, 0.35, 0.15];
    private static readonly double[] IndoorProbability = [0.80, 0.50, 0.70];
    private static readonly double[] TypeCountWeights = [0.30, 0.45, 0.19, 0.06];
    // Players per instrument type: 1..8, then a rare large section (11 or 12) so "more than ten" occurs.
    private static readonly double[] PlayersWeights = [0, 0.45, 0.33, 0.11, 0.06, 0.02, 0.01, 0.005, 0.002, 0, 0, 0.0015, 0.0015];

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
        var chosen = new List<string>();
        while (chosen.Count < types)
        {
            string type = DrawInstrument(ensemble, rng);
            if (!chosen.Contains(type)) chosen.Add(type);
        }
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

    /// <summary>
    /// Keeps what audio observes and redraws what is seen. Audio observes sound <em>parts</em>: players of one kind
    /// with the same sounding segments play in unison and sum into one sound, so it hears each part's kind, summed
    /// loudness per segment and rhythm, but not how many players make it, who rests, which instruments stand idle,
    /// where anyone stands, or the venue.
    /// </summary>
    public static Scene RedrawSight(Scene scene, SyntheticRandom rng)
    {
        int T = scene.Segments;
        int ensemble = Array.IndexOf(Ensembles, scene.Ensemble);
        var parts = Parts(scene);
        // An off-screen source is a lone player of a kind heard nowhere else, and something on screen always sounds.
        var single = Enumerable.Range(0, parts.Count).Where(p => parts.Count(q => q.Type == parts[p].Type) == 1).ToList();
        int offScreen = parts.Count >= 2 && single.Count > 0 && rng.Bernoulli(OffScreenProbability) ? single[rng.Next(single.Count)] : -1;
        var result = new List<SceneInstrument>();
        var onScreen = new List<SceneInstrument>();
        for (int p = 0; p < parts.Count; p++)
        {
            var (type, loudness, rhythm) = parts[p];
            if (p == offScreen)
            {
                result.Add(new SceneInstrument(type, false, -1, -1, loudness, rhythm));
                continue;
            }
            // A part heard alone for its kind may be one player or a section in unison; split its sound among them.
            int players = parts.Count(q => q.Type == type) > 1 ? 1 : SectionSize(rng);
            var share = Enumerable.Range(0, players).Select(_ => rng.Uniform(0.7, 1.3)).ToArray();
            double total = share.Sum();
            foreach (double w in share)
                onScreen.Add(new SceneInstrument(type, true, 0, 0, loudness.Select(l => (float)(l * w / total)).ToArray(), rhythm));
        }
        // Players who never sound: resting section members, and an instrument of another kind standing idle.
        var seenTypes = onScreen.Select(i => i.Instrument).Distinct().ToList();
        int resting = onScreen.Count;
        for (int i = 0; i < resting; i++)
            if (rng.Bernoulli(SilentProbability))
                onScreen.Add(new SceneInstrument(seenTypes[rng.Next(seenTypes.Count)], true, 0, 0, new float[T], 0));
        if (rng.Bernoulli(IdleInViewProbability))
        {
            var heard = parts.Select(p => p.Type).ToHashSet();
            string idle = DrawInstrument(ensemble, rng);
            for (int tries = 0; tries < 20 && heard.Contains(idle); tries++) idle = DrawInstrument(ensemble, rng);
            int idlePlayers = rng.Bernoulli(IdleLoneShare) ? 1 : Math.Max(2, rng.Categorical(PlayersWeights));
            for (int k = 0; k < idlePlayers && !heard.Contains(idle); k++)
                onScreen.Add(new SceneInstrument(idle, true, 0, 0, new float[T], 0));
        }
        var placed = Layout(onScreen.Select(i => i.Instrument).ToList(), T, rng);
        for (int i = 0; i < placed.Count; i++)
            result.Add(onScreen[i] with { X = placed[i].X, Y = placed[i].Y });
        return scene with { Indoor = rng.Bernoulli(IndoorProbability[ensemble]), Instruments = result };
    }

    /// <summary>
    /// What audio hears: the sounding players grouped by kind and sounding segments (players in unison are one
    /// sound), each part with its summed loudness and mean rhythm, in a canonical order.
    /// </summary>
    public static List<(string Type, float[] Loudness, float Rhythm)> Parts(Scene scene) =>
        scene.Heard.GroupBy(i => (i.Instrument, Mask: string.Concat(i.Loudness.Select(l => l > 0 ? '1' : '0'))))
            .OrderBy(g => g.Key.Instrument, StringComparer.Ordinal).ThenBy(g => g.Key.Mask, StringComparer.Ordinal)
            .Select(g => (g.Key.Instrument,
                Enumerable.Range(0, scene.Segments).Select(t => g.Sum(i => i.Loudness[t])).ToArray(),
                g.Average(i => i.Rhythm)))
            .ToList();

    private static int SectionSize(SyntheticRandom rng)
    {
        // Players of a kind heard as one part: one player, or a section that chose to play in unison.
        Span<double> w = stackalloc double[PlayersWeights.Length];
        for (int k = 0; k < w.Length; k++) w[k] = PlayersWeights[k] * (k >= 2 ? UnisonProbability : 1);
        return Math.Max(1, rng.Categorical(w));
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
        var result = scene.Instruments.ToList();
        var kinds = result.Select(i => i.Instrument).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (string kind in kinds)
        {
            var players = Enumerable.Range(0, result.Count).Where(i => result[i].Instrument == kind).ToList();
            if (kinds.Count >= 2 && rng.Bernoulli(players.Count == 1 ? IdleProbability : IdleSectionProbability))
            {
                foreach (int i in players)
                    result[i] = result[i] with { Loudness = new float[T], Rhythm = DrawRhythm(kind, rng) };
                continue;
            }
            // A section plays one part in unison (same onsets and rests, one rhythm), each player at its own level.
            bool unison = players.Count >= 2 && rng.Bernoulli(UnisonProbability);
            float[] part = Pattern(T, rng);
            float rhythm = DrawRhythm(kind, rng);
            // In unison the part is heard at a soloist's level (a recording is mixed so): the players share it.
            var share = players.Select(_ => rng.Uniform(0.7, 1.3)).ToArray();
            double total = share.Sum();
            for (int k = 0; k < players.Count; k++)
            {
                int i = players[k];
                float[] loudness;
                if (rng.Bernoulli(SilentProbability)) loudness = new float[T];
                else if (unison) loudness = part.Select(l => (float)(l * share[k] / total)).ToArray();
                else loudness = Pattern(T, rng);
                result[i] = result[i] with { Loudness = loudness, Rhythm = unison ? rhythm : DrawRhythm(kind, rng) };
            }
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
