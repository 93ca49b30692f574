using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// Scoring throughput of a trained AVST model on the synthetic <c>small</c> test split, in one run: the batched
/// <c>Transform</c> path against a <c>PredictionEngine</c> loop (one forward per row), rows per second and ratio.
/// </summary>
internal static class ScoringBenchmark
{
    public sealed class Row
    {
        public string Question { get; set; } = "";
        public string Answer { get; set; } = "";
        public float[] Audio { get; set; } = [];
        public float[] Visual { get; set; } = [];
    }

    public sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
    }

    public static void Run(int repeats, string workDirectory, string resultsPath)
    {
        if (Directory.Exists(workDirectory)) Directory.Delete(workDirectory, recursive: true);
        string data = Path.Combine(workDirectory, "small");
        new SyntheticGenerator(SyntheticPreset.Small, seed: 1).Generate(data);
        var context = new MLContext(seed: 1);
        var train = context.Data.LoadFromAvqaDataset(data, "train");
        var mm = context.MissingModality();
        var model = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel())
            .Append(mm.AvqaTrainer(new AvqaTrainerOptions { Epochs = 1, Seed = 1 })).Fit(train);

        var test = context.Data.LoadFromAvqaDataset(data, "test");
        var rows = context.Data.CreateEnumerable<Row>(test, reuseRowObject: false,
            schemaDefinition: Definition(test.Schema)).ToList();
        var engine = context.Model.CreatePredictionEngine<Row, Prediction>(model, inputSchemaDefinition: Definition(test.Schema));

        double batched = 0, single = 0;
        for (int r = 0; r < repeats; r++)
        {
            batched = Math.Max(batched, Time(() => CountRows(model.Transform(test)), rows.Count));
            single = Math.Max(single, Time(() => { foreach (var row in rows) engine.Predict(row); }, rows.Count));
            Console.WriteLine($"repeat {r + 1}: batched Transform {batched:F1} rows/s (best so far), PredictionEngine {single:F1} rows/s (best so far)");
        }
        var result = new
        {
            benchmark = "scoring",
            preset = "small",
            rows = rows.Count,
            repeats,
            batchSize = new AvqaTrainerOptions().BatchSize,
            batchedRowsPerSecond = Math.Round(batched, 1),
            predictionEngineRowsPerSecond = Math.Round(single, 1),
            ratio = Math.Round(batched / single, 2),
            machine = BenchResults.Machine,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
        File.WriteAllText(resultsPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"batched {batched:F1} rows/s, PredictionEngine {single:F1} rows/s, ratio {batched / single:F2}; written to {resultsPath}");
        Directory.Delete(workDirectory, recursive: true);
    }

    private static SchemaDefinition Definition(DataViewSchema schema)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        foreach (string vector in new[] { nameof(Row.Audio), nameof(Row.Visual) })
            definition.Single(c => c.MemberName == vector).ColumnType = schema[vector].Type;
        return definition;
    }

    private static void CountRows(IDataView scored)
    {
        var score = scored.Schema[AvqaTransformer.ScoreColumnName];
        using var cursor = scored.GetRowCursor([score]);
        var getter = cursor.GetGetter<VBuffer<float>>(score);
        VBuffer<float> value = default;
        while (cursor.MoveNext()) getter(ref value);
    }

    private static double Time(Action action, int rows)
    {
        var clock = Stopwatch.StartNew();
        action();
        return rows / clock.Elapsed.TotalSeconds;
    }
}
