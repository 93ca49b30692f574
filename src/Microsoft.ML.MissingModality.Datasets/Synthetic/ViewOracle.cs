namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// Answers a question from one modality's view of the scene: it keeps the facts that modality observes, redraws
/// the hidden ones from the scene prior several times (samples of the posterior given the view), and returns the
/// most frequent answer over those samples. Where the hidden facts decide the answer, this falls back to the prior
/// — and, when no sample admits the question, to the template's majority answer.
/// </summary>
internal sealed class ViewOracle
{
    private readonly Func<Scene, SyntheticRandom, Scene> _redrawHidden;
    private readonly int _samples;

    private ViewOracle(Func<Scene, SyntheticRandom, Scene> redrawHidden, int samples)
    {
        _redrawHidden = redrawHidden;
        _samples = samples;
    }

    /// <summary>Observes what sounds (sources, loudness, rhythm, voiceover); redraws what is seen.</summary>
    public static ViewOracle Audio(int samples) => new(SceneSampler.RedrawSight, samples);

    /// <summary>Observes what is seen (instruments, positions, venue); redraws what is heard.</summary>
    public static ViewOracle Visual(int samples) => new(SceneSampler.RedrawSound, samples);

    public string Answer(SyntheticQuestion question, Scene scene, string fallback, SyntheticRandom rng)
    {
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < _samples; k++)
        {
            var sample = _redrawHidden(scene, rng);
            if (question.Template.Answer(sample, question.Arguments) is { } answer)
                votes[answer] = votes.GetValueOrDefault(answer) + 1;
        }
        if (votes.Count == 0) return fallback;
        int best = votes.Values.Max();
        // Ties go to the training majority when it is among them, else to the first in ordinal order.
        return votes.TryGetValue(fallback, out int f) && f == best ? fallback
            : votes.Where(v => v.Value == best).Select(v => v.Key).Order(StringComparer.Ordinal).First();
    }
}
