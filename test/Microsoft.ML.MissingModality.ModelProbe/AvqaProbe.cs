using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.ModelProbe;

/// <summary>An AVQA input row as a user would declare it; vector shapes are taken from the loaded model.</summary>
public sealed class AvqaRow
{
    public string Question { get; set; } = "";
    public string Answer { get; set; } = "";
    public float[] Audio { get; set; } = [];
    public float[] Visual { get; set; } = [];
    public bool AudioMissing { get; set; }
    public bool VisualMissing { get; set; }
}

/// <summary>The answer and the probabilities of every answer.</summary>
public sealed class AvqaPrediction
{
    public string PredictedAnswer { get; set; } = "";
    public float[] Score { get; set; } = [];
}

/// <summary>Loads an AVQA model zip, answers rows read from JSON, writes the predictions as JSON.</summary>
public static class AvqaProbe
{
    public static int Run(string modelPath, string rowsPath, string predictionsPath)
    {
        var context = new MLContext(seed: 1);
        var model = context.Model.Load(modelPath, out var inputSchema);
        var definition = SchemaDefinition.Create(typeof(AvqaRow));
        foreach (string vector in new[] { nameof(AvqaRow.Audio), nameof(AvqaRow.Visual) })
            definition.Single(c => c.MemberName == vector).ColumnType = inputSchema[vector].Type;
        var engine = context.Model.CreatePredictionEngine<AvqaRow, AvqaPrediction>(model, inputSchemaDefinition: definition);
        var rows = JsonSerializer.Deserialize<List<AvqaRow>>(File.ReadAllText(rowsPath))!;
        var predictions = rows.Select(row =>
        {
            var p = engine.Predict(row);
            return new AvqaPrediction { PredictedAnswer = p.PredictedAnswer, Score = p.Score.ToArray() };
        }).ToList();
        File.WriteAllText(predictionsPath, JsonSerializer.Serialize(predictions));
        return 0;
    }
}
