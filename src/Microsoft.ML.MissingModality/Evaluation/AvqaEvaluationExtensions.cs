using Microsoft.ML.Data;
using Microsoft.ML.MissingModality;
using Microsoft.ML.MissingModality.Data;

using Microsoft.ML.MissingModality.Evaluation;

namespace Microsoft.ML;

/// <summary>Per-question-type AVQA evaluation of scored data.</summary>
public static class AvqaEvaluationExtensions
{
    /// <summary>
    /// Scores AVQA predictions per MUSIC-AVQA question type. Each row is correct when its predicted answer equals its
    /// labelled answer; both columns may be text or keys with text key values (as produced by MapValueToKey and by the
    /// AVQA trainer).
    /// </summary>
    /// <param name="catalog">The library's catalog.</param>
    /// <param name="data">Scored data.</param>
    /// <param name="labelColumnName">The true answer: <c>Label</c> (the key column MapAnswerToLabel writes), as ML.NET's evaluators default to, or the <c>Answer</c> text.</param>
    /// <param name="predictedLabelColumnName">The predicted answer.</param>
    /// <param name="questionTypeColumnName">The question type as text, canonical form (<c>Audio-Visual/Temporal</c>).</param>
    /// <param name="scoreColumnName">The answerer's probabilities, one per training answer with slot names; when the data has it, <see cref="AvqaMetrics.Answers"/> carries ML.NET's multiclass metrics (macro accuracy, log-loss, top-K, confusion matrix).</param>
    /// <param name="topK">K of the top-K accuracy.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has an unusable type.</exception>
    /// <exception cref="InvalidDataException">A row's question type is unknown (the message names the column and row).</exception>
    public static AvqaMetrics Evaluate(this MissingModalityCatalog catalog, IDataView data,
        string labelColumnName = "Label", string predictedLabelColumnName = "PredictedLabel", string questionTypeColumnName = "QuestionType",
        string scoreColumnName = "Score", int topK = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var label = Column(data.Schema, labelColumnName, "Label");
        var predicted = Column(data.Schema, predictedLabelColumnName, "Predicted label");
        var type = Column(data.Schema, questionTypeColumnName, "Question type");

        var outcomes = new List<(QuestionType, bool)>();
        var score = data.Schema.GetColumnOrNull(scoreColumnName);
        string[]? answerNames = score is { } s ? ScoreSlotNames(s) : null;
        var answers = answerNames is null ? null : new AnswerMetrics.Builder(answerNames, topK);
        using var cursor = MissingModality.Internal.SerialCursor.Open(data, answers is null ? [label, predicted, type] : [label, predicted, type, score!.Value]);
        var getLabel = TextOrKeyGetter.Create(cursor, label);
        var getPredicted = TextOrKeyGetter.Create(cursor, predicted);
        var getType = TextOrKeyGetter.Create(cursor, type);
        var getScore = answers is null ? null : cursor.GetGetter<VBuffer<float>>(score!.Value);
        VBuffer<float> scores = default;
        float[] dense = answerNames is null ? [] : new float[answerNames.Length];
        while (cursor.MoveNext())
        {
            string? typeText = getType();
            if (!QuestionType.TryParse(typeText, out var questionType))
                throw new InvalidDataException(
                    $"Column '{questionTypeColumnName}', row {cursor.Position}: unknown question type '{typeText}'. " +
                    $"Expected one of: {string.Join(", ", QuestionType.All)}.");
            string? truth = getLabel(), answer = getPredicted();
            outcomes.Add((questionType, truth is not null && string.Equals(truth, answer, StringComparison.Ordinal)));
            if (answers is not null)
            {
                getScore!(ref scores);
                scores.CopyTo(dense);
                answers.Add(truth, answer, dense);
            }
        }
        var metrics = AvqaMetrics.FromOutcomes(outcomes);
        metrics.Answers = answers?.Build();
        return metrics;
    }

    /// <summary>
    /// Measures a recaller's output against the real features (<see cref="RecallQuality"/>): pass data transformed by a
    /// fitted recaller (<c>RmmGenerator</c>, a <c>RecallBaseline</c>) whose rows have both modalities — each recalled
    /// column is what the recaller would give if that modality were missing.
    /// </summary>
    /// <param name="catalog">The library's catalog.</param>
    /// <param name="data">Data with the real and the recalled feature columns (rows with <c>AudioMissing</c> or <c>VisualMissing</c> set are skipped).</param>
    /// <param name="recalledAudioColumnName">The recalled audio.</param>
    /// <param name="recalledVisualColumnName">The recalled visual features.</param>
    /// <param name="audioColumnName">The real audio.</param>
    /// <param name="visualColumnName">The real visual features.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or is not a known-size float vector of the real column's shape.</exception>
    public static RecallQuality EvaluateRecall(this MissingModalityCatalog catalog, IDataView data,
        string recalledAudioColumnName = "RecalledAudio", string recalledVisualColumnName = "RecalledVisual",
        string audioColumnName = "Audio", string visualColumnName = "Visual")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var columns = new[] { audioColumnName, visualColumnName, recalledAudioColumnName, recalledVisualColumnName }
            .Select(name => Column(data.Schema, name, "Feature")).ToArray();
        for (int i = 0; i < 2; i++)
        {
            if (columns[i].Type is not VectorDataViewType { IsKnownSize: true, Dimensions.Length: > 0 } real || real.ItemType != NumberDataViewType.Single
                || columns[i + 2].Type is not VectorDataViewType recalled || recalled.Size != real.Size)
                throw new ArgumentOutOfRangeException(nameof(data), $"Columns '{columns[i].Name}' and '{columns[i + 2].Name}' must be float vectors of one known size.");
        }
        var missing = new[] { data.Schema.GetColumnOrNull(AvqaColumns.AudioMissing), data.Schema.GetColumnOrNull(AvqaColumns.VisualMissing) }
            .Where(c => c is { Type: BooleanDataViewType }).Select(c => c!.Value).ToArray();
        using var cursor = MissingModality.Internal.SerialCursor.Open(data, [.. columns, .. missing]);
        var getters = columns.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToArray();
        var flags = missing.Select(c => cursor.GetGetter<bool>(c)).ToArray();
        var buffers = new VBuffer<float>[4];
        int audioSegments = ((VectorDataViewType)columns[0].Type).Dimensions[0], visualSegments = ((VectorDataViewType)columns[1].Type).Dimensions[0];
        var dense = columns.Select(c => new float[((VectorDataViewType)c.Type).Size]).ToArray();
        double audioMse = 0, visualMse = 0, audioCos = 0, visualCos = 0;
        long rows = 0;
        bool flag = false;
        while (cursor.MoveNext())
        {
            bool skip = false;
            foreach (var getFlag in flags)
            {
                getFlag(ref flag);
                skip |= flag;
            }
            if (skip)
                continue;
            for (int i = 0; i < 4; i++)
            {
                getters[i](ref buffers[i]);
                buffers[i].CopyTo(dense[i]);
            }
            var (am, ac) = Compare(dense[0], dense[2], audioSegments);
            var (vm, vc) = Compare(dense[1], dense[3], visualSegments);
            (audioMse, audioCos, visualMse, visualCos) = (audioMse + am, audioCos + ac, visualMse + vm, visualCos + vc);
            rows++;
        }
        return rows == 0
            ? new RecallQuality(double.NaN, double.NaN, double.NaN, double.NaN, 0)
            : new RecallQuality(audioMse / rows, audioCos / rows, visualMse / rows, visualCos / rows, rows);
    }

    /// <summary>Squared error per value and cosine per segment (a zero vector has cosine 0), for one row.</summary>
    private static (double Mse, double Cosine) Compare(float[] real, float[] recalled, int segments)
    {
        double squared = 0, cosine = 0;
        int length = real.Length / segments;
        for (int t = 0; t < segments; t++)
        {
            double dot = 0, realNorm = 0, recalledNorm = 0;
            for (int i = t * length; i < (t + 1) * length; i++)
            {
                double d = real[i] - recalled[i];
                squared += d * d;
                dot += real[i] * recalled[i];
                realNorm += real[i] * real[i];
                recalledNorm += recalled[i] * recalled[i];
            }
            cosine += realNorm == 0 || recalledNorm == 0 ? 0 : dot / Math.Sqrt(realNorm * recalledNorm);
        }
        return (squared / real.Length, cosine / segments);
    }

    // The answer vocabulary when the column is a known-size Single vector whose slot names are its answers.
    private static string[]? ScoreSlotNames(DataViewSchema.Column score)
    {
        if (score.Type is not VectorDataViewType { IsKnownSize: true, ItemType: NumberDataViewType item } vector || item.RawType != typeof(float))
            return null;
        if (score.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.SlotNames) is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        var result = names.DenseValues().Select(n => n.ToString()).ToArray();
        return result.Length == vector.Size ? result : null;
    }

    private static DataViewSchema.Column Column(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name),
            $"{role} column '{name}' was not found. Available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
}
