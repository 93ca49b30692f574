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
        using var cursor = data.GetRowCursor(answers is null ? [label, predicted, type] : [label, predicted, type, score!.Value]);
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
