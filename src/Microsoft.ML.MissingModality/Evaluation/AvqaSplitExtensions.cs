using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;

namespace Microsoft.ML;

/// <summary>
/// Splits and cross-validation that keep each video's questions together: a video's features would otherwise be seen
/// in training and tested on again through another of its questions, which flatters every result.
/// </summary>
public static class AvqaSplitExtensions
{
    /// <summary>
    /// Splits rows into train and test so that all questions of a video fall on the same side (ML.NET's
    /// TrainTestSplit with the video id as the sampling key).
    /// </summary>
    /// <param name="catalog">The library's catalog.</param>
    /// <param name="data">One row per question, with a <c>VideoId</c> column.</param>
    /// <param name="testFraction">The share of videos (not of questions) to test on.</param>
    /// <param name="seed">Seed of the split; null for the context's.</param>
    public static DataOperationsCatalog.TrainTestData TrainTestSplitByVideo(this MissingModality.MissingModalityCatalog catalog, IDataView data,
        double testFraction = 0.2, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        RequireVideoId(data);
        return catalog.Context.Data.TrainTestSplit(data, testFraction, samplingKeyColumnName: AvqaColumns.VideoId, seed: seed);
    }

    /// <summary>
    /// Cross-validates <paramref name="estimator"/> over <paramref name="folds"/> folds of videos: each fold's
    /// questions are answered by the pipeline fitted on the other folds and scored per question type.
    /// </summary>
    /// <param name="catalog">The library's catalog.</param>
    /// <param name="data">One row per question, with a <c>VideoId</c> column.</param>
    /// <param name="estimator">The pipeline to fit (ending in the answerer, so that its output has <c>PredictedLabel</c>).</param>
    /// <param name="folds">Number of folds, at least 2.</param>
    /// <param name="labelColumnName">The true answer for <see cref="AvqaEvaluationExtensions.Evaluate"/>.</param>
    /// <param name="seed">Seed of the fold assignment; null for the context's.</param>
    public static IReadOnlyList<AvqaFoldResult> CrossValidateByVideo(this MissingModality.MissingModalityCatalog catalog, IDataView data,
        IEstimator<ITransformer> estimator, int folds = 5, string labelColumnName = AvqaColumns.Answer, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        RequireVideoId(data);
        var splits = catalog.Context.Data.CrossValidationSplit(data, folds, samplingKeyColumnName: AvqaColumns.VideoId, seed: seed);
        var results = new List<AvqaFoldResult>();
        for (int fold = 0; fold < splits.Count; fold++)
        {
            var model = estimator.Fit(splits[fold].TrainSet);
            var metrics = catalog.Evaluate(model.Transform(splits[fold].TestSet), labelColumnName);
            long trainQuestions = splits[fold].TrainSet.GetRowCount() ?? CountRows(splits[fold].TrainSet);
            results.Add(new AvqaFoldResult(fold, model, metrics, trainQuestions));
        }
        return results;
    }

    private static void RequireVideoId(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Schema.GetColumnOrNull(AvqaColumns.VideoId) is null)
            throw new ArgumentOutOfRangeException(nameof(data),
                $"Column '{AvqaColumns.VideoId}' was not found: splitting by video needs each question's video id.");
    }

    private static long CountRows(IDataView data)
    {
        long rows = 0;
        using var cursor = MissingModality.Internal.SerialCursor.Open(data, []);
        while (cursor.MoveNext()) rows++;
        return rows;
    }
}
