using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;
using Microsoft.ML.MissingModality.Scenarios;

namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>Answers dataset rows under a missing-modality scenario and scores them per question type.</summary>
public static class ScenarioEvaluation
{
    /// <summary>Corrupts <paramref name="rows"/> by <paramref name="scenario"/> (seeded per row), answers, evaluates.</summary>
    public static AvqaMetrics Evaluate(MLContext context, ITransformer model, IDataView rows, MissingModalityScenario scenario, int seed)
    {
        var catalog = context.MissingModality();
        var corrupted = catalog.SimulateMissingModality(scenario, seed).Fit(rows).Transform(rows);
        return catalog.Evaluate(model.Transform(corrupted), AvqaColumns.Answer, AvqaTransformer.PredictedLabelColumnName);
    }
}
