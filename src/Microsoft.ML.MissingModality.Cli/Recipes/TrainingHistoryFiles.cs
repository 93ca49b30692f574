using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.MissingModality.Charts;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>
/// The per-epoch history of a training, kept beside its model zip: <c>MODEL.history.json</c> (every component's
/// epochs: losses, metrics, learning rate, time, which epoch the validation set kept) and <c>MODEL.training.png</c>
/// (the answerer's training and validation accuracy per epoch).
/// </summary>
public sealed class TrainingHistoryFiles
{
    private readonly List<(string Component, EpochReport Report)> _epochs = [];

    /// <summary>The history file for <paramref name="modelPath"/>.</summary>
    public static string JsonPath(string modelPath) => Path.ChangeExtension(modelPath, null) + ".history.json";

    /// <summary>The chart file for <paramref name="modelPath"/>.</summary>
    public static string ChartPath(string modelPath) => Path.ChangeExtension(modelPath, null) + ".training.png";

    /// <summary>Records one epoch of <paramref name="component"/> (<c>answerer</c>, <c>rmm</c>, <c>avr</c>, <c>joint</c>).</summary>
    public void Add(string component, EpochReport report) => _epochs.Add((component, report));

    /// <summary>Writes both files (each beside and renamed into place); returns the paths written.</summary>
    public IReadOnlyList<string> Write(string modelPath, bool overwrite = true)
    {
        var epochs = new JsonArray();
        foreach (var (component, r) in _epochs)
            epochs.Add(new JsonObject
            {
                ["component"] = component,
                ["epoch"] = r.Epoch,
                ["epochs"] = r.Epochs,
                ["trainLoss"] = r.TrainLoss,
                ["metric"] = r.MetricName,
                ["trainMetric"] = r.TrainMetric,
                ["validationMetric"] = r.ValidationMetric,
                ["learningRate"] = r.LearningRate,
                ["seconds"] = Math.Round(r.Elapsed.TotalSeconds, 3),
                ["kept"] = r.IsBest,
            });
        var written = new List<string> { JsonPath(modelPath) };
        WriteAtomically(written[0], overwrite, Encoding.UTF8.GetBytes(new JsonObject { ["epochs"] = epochs }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));
        var answerer = _epochs.Where(e => e.Report.MetricName == "accuracy").Select(e => e.Report).ToList();
        if (answerer.Count > 0)
        {
            written.Add(ChartPath(modelPath));
            WriteAtomically(written[1], overwrite, AvqaCharts.TrainingCurves([("answerer", answerer)], "Answer accuracy per epoch").ToPng());
        }
        return written;
    }

    private static void WriteAtomically(string path, bool overwrite, byte[] bytes) =>
        ModelFiles.WriteAtomically(path, temporary => File.WriteAllBytes(temporary, bytes), overwrite);
}
