using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// Chooses templates so that each split's template (hence type) proportions track the real split's: every question
/// goes to the applicable template furthest behind its quota (with a little jitter so ties break randomly).
/// A template is asked at most once per video.
/// </summary>
internal sealed class QuestionSampler
{
    private readonly IReadOnlyList<QuestionTemplate> _templates = MusicAvqaTemplates.All;
    private readonly double[] _share;
    private readonly int[] _asked;
    private int _total;

    public QuestionSampler()
    {
        double sum = _templates.Sum(t => t.RealCount);
        _share = _templates.Select(t => t.RealCount / sum).ToArray();
        _asked = new int[_templates.Count];
    }

    public List<SyntheticQuestion> Draw(Scene scene, string videoId, int count, ref int nextQuestionId, SyntheticRandom rng)
    {
        var result = new List<SyntheticQuestion>(count);
        var used = new bool[_templates.Count];
        var order = new int[_templates.Count];
        var score = new double[_templates.Count];
        while (result.Count < count)
        {
            for (int t = 0; t < order.Length; t++)
            {
                order[t] = t;
                score[t] = (_total + 1) * _share[t] - _asked[t] + rng.NextDouble();
            }
            Array.Sort((double[])score.Clone(), order);
            bool added = false;
            for (int k = order.Length - 1; k >= 0 && !added; k--)
            {
                int t = order[k];
                if (used[t]) continue;
                var template = _templates[t];
                if (template.Instantiate(scene, rng) is not { } args) continue;
                string answer = template.Answer(scene, args)!;
                var record = new QuestionRecord($"q{nextQuestionId++:D6}", videoId, template.Fill(args), template.Type, template.Text, answer);
                result.Add(new SyntheticQuestion(record, template, args));
                used[t] = true;
                _asked[t]++;
                _total++;
                added = true;
            }
            if (!added) break;   // every applicable template was already asked about this video
        }
        return result;
    }
}
