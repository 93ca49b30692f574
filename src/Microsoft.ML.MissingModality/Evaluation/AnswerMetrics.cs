using Microsoft.Data.Analysis;

namespace Microsoft.ML.MissingModality.Evaluation;

/// <summary>
/// What ML.NET's multiclass metrics say, over the answer vocabulary: micro and macro accuracy, log-loss, top-K
/// accuracy and the confusion matrix. Computed by <c>mm.Evaluate</c> when the scored data has the answerer's
/// <c>Score</c> column (one probability per training answer, named by its slot names).
/// </summary>
/// <remarks>
/// A row whose true answer is not in the vocabulary (never seen in training) counts as wrong for the accuracies and
/// top-K, and is left out of log-loss and the confusion matrix (<see cref="UnseenAnswerRows"/> counts them).
/// </remarks>
public sealed class AnswerMetrics
{
    private readonly long[,] _confusion;

    internal AnswerMetrics(IReadOnlyList<string> answers, long[,] confusion, long rows, long correct, long topKCorrect,
        int topK, double logLossSum, long logLossRows, long unseen)
    {
        Answers = answers;
        _confusion = confusion;
        Rows = rows;
        MicroAccuracy = rows == 0 ? double.NaN : (double)correct / rows;
        TopKPredictionCount = topK;
        TopKAccuracy = rows == 0 ? double.NaN : (double)topKCorrect / rows;
        LogLoss = logLossRows == 0 ? double.NaN : logLossSum / logLossRows;
        UnseenAnswerRows = unseen;
        var perAnswer = Enumerable.Range(0, answers.Count)
            .Select(t => (Rows: Enumerable.Range(0, answers.Count).Sum(p => confusion[t, p]), Correct: confusion[t, t]))
            .Where(a => a.Rows > 0)
            .ToList();
        MacroAccuracy = perAnswer.Count == 0 ? double.NaN : perAnswer.Average(a => (double)a.Correct / a.Rows);
    }

    /// <summary>The answer vocabulary, in the order of the Score column.</summary>
    public IReadOnlyList<string> Answers { get; }

    /// <summary>Rows evaluated.</summary>
    public long Rows { get; }

    /// <summary>Correct rows over all rows (the same as <see cref="AvqaMetrics.Accuracy"/>).</summary>
    public double MicroAccuracy { get; }

    /// <summary>The mean, over the true answers that occur, of the share of their rows answered correctly.</summary>
    public double MacroAccuracy { get; }

    /// <summary>Mean of −ln p(true answer), probabilities clamped at 1e-15, over rows with a known true answer.</summary>
    public double LogLoss { get; }

    /// <summary>K of <see cref="TopKAccuracy"/>.</summary>
    public int TopKPredictionCount { get; }

    /// <summary>Share of rows whose true answer is among the K highest scores.</summary>
    public double TopKAccuracy { get; }

    /// <summary>Rows whose true answer is not in <see cref="Answers"/>.</summary>
    public long UnseenAnswerRows { get; }

    /// <summary>Rows with true answer <paramref name="truth"/> answered <paramref name="predicted"/> (0 for an answer outside the vocabulary).</summary>
    public long Count(string truth, string predicted)
    {
        int t = IndexOf(truth), p = IndexOf(predicted);
        return t < 0 || p < 0 ? 0 : _confusion[t, p];
    }

    /// <summary>
    /// The confusion matrix as a <see cref="DataFrame"/>: a row per true answer that occurs, a column per answer
    /// predicted at least once (plus <c>Truth</c> and <c>Rows</c>).
    /// </summary>
    public DataFrame ConfusionMatrix()
    {
        int n = Answers.Count;
        var truths = Enumerable.Range(0, n).Where(t => Enumerable.Range(0, n).Any(p => _confusion[t, p] > 0)).ToList();
        var predictions = Enumerable.Range(0, n).Where(p => Enumerable.Range(0, n).Any(t => _confusion[t, p] > 0)).ToList();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("Truth", truths.Select(t => Answers[t])),
            new Int64DataFrameColumn("Rows", truths.Select(t => Enumerable.Range(0, n).Sum(p => _confusion[t, p]))),
        };
        columns.AddRange(predictions.Select(p => new Int64DataFrameColumn(Answers[p], truths.Select(t => _confusion[t, p]))));
        return new DataFrame(columns);
    }

    private int IndexOf(string answer)
    {
        for (int i = 0; i < Answers.Count; i++)
            if (string.Equals(Answers[i], answer, StringComparison.Ordinal))
                return i;
        return -1;
    }

    /// <summary>Accumulates rows of (true answer, predicted answer, scores).</summary>
    internal sealed class Builder(IReadOnlyList<string> answers, int topK)
    {
        private readonly Dictionary<string, int> _index = answers.Select((a, i) => (a, i)).ToDictionary(x => x.a, x => x.i, StringComparer.Ordinal);
        private readonly long[,] _confusion = new long[answers.Count, answers.Count];
        private long _rows, _correct, _topK, _unseen, _logLossRows;
        private double _logLoss;

        public void Add(string? truth, string? predicted, ReadOnlySpan<float> scores)
        {
            _rows++;
            if (truth is null || !_index.TryGetValue(truth, out int t))
            {
                _unseen++;
                return;
            }
            if (predicted is not null && string.Equals(truth, predicted, StringComparison.Ordinal))
                _correct++;
            if (predicted is not null && _index.TryGetValue(predicted, out int p))
                _confusion[t, p]++;
            float truthScore = scores[t];
            int higher = 0;
            foreach (float s in scores)
                if (s > truthScore) higher++;
            if (higher < topK)
                _topK++;
            _logLoss += -Math.Log(Math.Max(truthScore, 1e-15));
            _logLossRows++;
        }

        public AnswerMetrics Build() => new(answers, _confusion, _rows, _correct, _topK, topK, _logLoss, _logLossRows, _unseen);
    }
}
