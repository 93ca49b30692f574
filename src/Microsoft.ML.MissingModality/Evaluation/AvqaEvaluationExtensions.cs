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
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has an unusable type.</exception>
    /// <exception cref="InvalidDataException">A row's question type is unknown (the message names the column and row).</exception>
    public static AvqaMetrics Evaluate(this MissingModalityCatalog catalog, IDataView data,
        string labelColumnName = "Label", string predictedLabelColumnName = "PredictedLabel", string questionTypeColumnName = "QuestionType")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var label = Column(data.Schema, labelColumnName, "Label");
        var predicted = Column(data.Schema, predictedLabelColumnName, "Predicted label");
        var type = Column(data.Schema, questionTypeColumnName, "Question type");

        var outcomes = new List<(QuestionType, bool)>();
        using var cursor = data.GetRowCursor([label, predicted, type]);
        var getLabel = TextOrKeyGetter.Create(cursor, label);
        var getPredicted = TextOrKeyGetter.Create(cursor, predicted);
        var getType = TextOrKeyGetter.Create(cursor, type);
        while (cursor.MoveNext())
        {
            string? typeText = getType();
            if (!QuestionType.TryParse(typeText, out var questionType))
                throw new InvalidDataException(
                    $"Column '{questionTypeColumnName}', row {cursor.Position}: unknown question type '{typeText}'. " +
                    $"Expected one of: {string.Join(", ", QuestionType.All)}.");
            string? truth = getLabel();
            outcomes.Add((questionType, truth is not null && string.Equals(truth, getPredicted(), StringComparison.Ordinal)));
        }
        return AvqaMetrics.FromOutcomes(outcomes);
    }

    private static DataViewSchema.Column Column(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name),
            $"{role} column '{name}' was not found. Available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
}
