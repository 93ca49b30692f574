using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;
using Microsoft.ML.MissingModality.Training;
using ScottPlot;

namespace Microsoft.ML.MissingModality.Charts;

/// <summary>
/// The library's standard charts as ScottPlot <see cref="Plot"/>s, ready to save (<c>SavePng</c>, <c>SaveSvg</c>),
/// to show in a notebook (<see cref="ToPng"/>) or to restyle. Accuracies are drawn in percent.
/// </summary>
public static class AvqaCharts
{
    /// <summary>Width and height, in pixels, the CLI and the notebooks render at.</summary>
    public const int DefaultWidth = 1100, DefaultHeight = 500;

    /// <summary>
    /// Accuracy per question type, side by side for several evaluations (scenarios or methods): the nine MUSIC-AVQA
    /// types, the three group averages and All Avg, one bar per evaluation. A slice with no rows has no bar.
    /// </summary>
    /// <param name="rows">One (legend label, metrics) pair per evaluation, in legend order.</param>
    /// <param name="title">The chart's title.</param>
    public static Plot AccuracyByType(IReadOnlyList<(string Label, AvqaMetrics Metrics)> rows, string title = "Accuracy per question type")
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
            throw new ArgumentException("At least one evaluation is needed.", nameof(rows));
        var slices = Slices();
        var plot = new Plot();
        double groupWidth = 0.8, barWidth = groupWidth / rows.Count;
        for (int r = 0; r < rows.Count; r++)
        {
            var bars = new List<Bar>();
            for (int s = 0; s < slices.Count; s++)
            {
                AccuracyCount count = slices[s].Count(rows[r].Metrics);
                if (count.Rows == 0)
                    continue;
                bars.Add(new Bar
                {
                    Position = s - groupWidth / 2 + barWidth * (r + 0.5),
                    Value = 100 * count.Accuracy,
                    Size = barWidth * 0.92,
                    FillColor = Palette.GetColor(r),
                    LineWidth = 0,
                });
            }
            var series = plot.Add.Bars(bars);
            series.LegendText = rows[r].Label;
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, slices.Count).Select(i => (double)i)], [.. slices.Select(s => s.Label)]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -40;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 130;
        // Dotted lines after each group's average, so the three groups and All Avg read as blocks.
        for (int s = 0; s < slices.Count - 1; s++)
        {
            if (!slices[s].Label.EndsWith(" Avg", StringComparison.Ordinal))
                continue;
            var line = plot.Add.VerticalLine(s + 0.5, 1, Colors.Gray.WithAlpha(0.5));
            line.LinePattern = LinePattern.Dotted;
        }
        plot.Axes.SetLimits(-0.6, slices.Count - 0.4, 0, 100);
        plot.YLabel("accuracy (%)");
        plot.Title(title);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>
    /// Accuracy against the share of test rows with a missing modality (the paper's Fig. 5): one line per series,
    /// All Avg, or one group's average when <paramref name="group"/> is given.
    /// </summary>
    /// <param name="series">One (legend label, points) pair per line; each point is a missing ratio in [0, 1] and its metrics.</param>
    /// <param name="group">The group to draw, or null for All Avg.</param>
    /// <param name="title">The chart's title.</param>
    public static Plot AccuracyByMissingRatio(
        IReadOnlyList<(string Label, IReadOnlyList<(double Ratio, AvqaMetrics Metrics)> Points)> series,
        QuestionGroup? group = null, string title = "Accuracy against missing ratio")
    {
        ArgumentNullException.ThrowIfNull(series);
        return AccuracyLines([.. series.Select(s => (s.Label, s.Points.Select(p => (100 * p.Ratio, p.Metrics)).ToList()))], group, title,
            "test rows with the modality missing (%)");
    }

    /// <summary>One accuracy line per series against a numeric x (points sorted by x), All Avg or one group's average.</summary>
    private static Plot AccuracyLines(IReadOnlyList<(string Label, List<(double X, AvqaMetrics Metrics)> Points)> series,
        QuestionGroup? group, string title, string xLabel)
    {
        if (series.Count == 0 || series.All(s => s.Points.Count == 0))
            throw new ArgumentException("At least one point is needed.", nameof(series));
        var plot = new Plot();
        for (int i = 0; i < series.Count; i++)
        {
            var points = series[i].Points.OrderBy(p => p.X).ToList();
            var line = plot.Add.Scatter(
                points.Select(p => p.X).ToArray(),
                points.Select(p => 100 * (group is QuestionGroup g ? p.Metrics.Groups[g] : p.Metrics.Overall).Accuracy).ToArray(),
                Palette.GetColor(i));
            line.LegendText = series[i].Label;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        plot.XLabel(xLabel);
        plot.YLabel((group is QuestionGroup chosen ? QuestionType.GroupNameOf(chosen) + " Avg" : "All Avg") + " accuracy (%)");
        plot.Title(title);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>
    /// Training curves from the per-epoch history a training kept (<see cref="EpochReport"/>s, e.g. collected from
    /// the options' <c>Progress</c> callback): the training metric dashed, the validation metric solid, one colour per
    /// series. Accuracy is drawn in percent; other metrics (recall cosine, denoising R²) as they are.
    /// </summary>
    /// <param name="series">One (legend label, epochs) pair per training, in legend order.</param>
    /// <param name="title">The chart's title.</param>
    public static Plot TrainingCurves(IReadOnlyList<(string Label, IReadOnlyList<EpochReport> History)> series, string title = "Training curves")
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0 || series.All(s => s.History.Count == 0))
            throw new ArgumentException("At least one epoch is needed.", nameof(series));
        var plot = new Plot();
        var metricNames = new HashSet<string>();
        for (int i = 0; i < series.Count; i++)
        {
            var history = series[i].History;
            if (history.Count == 0)
                continue;
            metricNames.Add(history[0].MetricName);
            double Scale(double value, EpochReport report) => report.MetricName == "accuracy" ? 100 * value : value;
            double[] epochs = [.. history.Select(r => (double)r.Epoch)];
            double[] trainValues = [.. history.Select(r => Scale(r.TrainMetric, r))];
            var train = plot.Add.Scatter(epochs, trainValues, Palette.GetColor(i));
            train.LegendText = series[i].Label + ", train";
            train.LinePattern = LinePattern.Dashed;
            train.MarkerSize = 4;
            var validated = history.Where(r => r.ValidationMetric is not null).ToList();
            if (validated.Count > 0)
            {
                double[] validatedEpochs = [.. validated.Select(r => (double)r.Epoch)];
                double[] validationValues = [.. validated.Select(r => Scale(r.ValidationMetric!.Value, r))];
                var val = plot.Add.Scatter(validatedEpochs, validationValues, Palette.GetColor(i));
                val.LegendText = series[i].Label + ", validation";
                val.LineWidth = 2;
                val.MarkerSize = 6;
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.XLabel("epoch");
        plot.YLabel(metricNames.Count == 1 && metricNames.Single() == "accuracy" ? "accuracy (%)" : string.Join(" / ", metricNames));
        plot.Title(title);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>
    /// Recall error against the RMM generator's slot count (the paper's Table 5 setting, as error rather than
    /// accuracy): the audio MSE on the left axis, the visual MSE on the right (their scales differ by an order of
    /// magnitude), and, when given, each modality's training-mean recall as a dotted line — the bar a recall must clear.
    /// </summary>
    /// <param name="points">One (slots, recall quality) pair per fitted generator.</param>
    /// <param name="meanRecall">The training-mean recall's quality on the same rows, or null.</param>
    /// <param name="title">The chart's title.</param>
    public static Plot RecallErrorBySlots(IReadOnlyList<(int Slots, RecallQuality Quality)> points, RecallQuality? meanRecall = null,
        string title = "Recall error by slot count")
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
            throw new ArgumentException("At least one generator is needed.", nameof(points));
        var ordered = points.OrderBy(p => p.Slots).ToList();
        // Evenly spaced, labelled with L: slot counts are usually swept geometrically (1, 5, 25, 75).
        double[] slots = [.. Enumerable.Range(0, ordered.Count).Select(i => (double)i)];
        var plot = new Plot();
        var audio = plot.Add.Scatter(slots, [.. ordered.Select(p => p.Quality.AudioMse)], Palette.GetColor(0));
        audio.LegendText = "audio MSE (left)";
        audio.LineWidth = 2;
        audio.MarkerSize = 7;
        var visual = plot.Add.Scatter(slots, [.. ordered.Select(p => p.Quality.VisualMse)], Palette.GetColor(1));
        visual.LegendText = "visual MSE (right)";
        visual.LineWidth = 2;
        visual.MarkerSize = 7;
        visual.Axes.YAxis = plot.Axes.Right;
        if (meanRecall is { } mean)
        {
            var audioMean = plot.Add.HorizontalLine(mean.AudioMse, 1, Palette.GetColor(0));
            audioMean.LinePattern = LinePattern.Dotted;
            audioMean.LegendText = "audio, training mean";
            var visualMean = plot.Add.HorizontalLine(mean.VisualMse, 1, Palette.GetColor(1));
            visualMean.LinePattern = LinePattern.Dotted;
            visualMean.LegendText = "visual, training mean";
            visualMean.Axes.YAxis = plot.Axes.Right;
        }
        plot.Axes.Bottom.SetTicks(slots, [.. ordered.Select(p => p.Slots.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.XLabel("slots per memory (L)");
        plot.YLabel("audio recall MSE");
        plot.Axes.Right.Label.Text = "visual recall MSE";
        plot.Title(title);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>
    /// Accuracy against the AVR diffusion's enhancement steps (the start step S: the recalled pair is noised to step S
    /// and denoised in S steps; 0 leaves it as recalled): one line per scenario, All Avg, or one group's average.
    /// </summary>
    /// <param name="series">One (legend label, points) pair per line; each point is a step count and its metrics.</param>
    /// <param name="group">The group to draw, or null for All Avg.</param>
    /// <param name="title">The chart's title.</param>
    public static Plot AccuracyByDiffusionSteps(
        IReadOnlyList<(string Label, IReadOnlyList<(int Steps, AvqaMetrics Metrics)> Points)> series,
        QuestionGroup? group = null, string title = "Accuracy by diffusion steps")
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = AccuracyLines([.. series.Select(s => (s.Label, s.Points.Select(p => ((double)p.Steps, p.Metrics)).ToList()))], group, title,
            "enhancement steps (start step S)");
        int[] steps = [.. series.SelectMany(s => s.Points).Select(p => p.Steps).Distinct().Order()];
        plot.Axes.Bottom.SetTicks([.. steps.Select(s => (double)s)], [.. steps.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        return plot;
    }

    /// <summary>The chart as PNG bytes (for a notebook's display or an HTTP response).</summary>
    /// <param name="plot">The chart.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static byte[] ToPng(this Plot plot, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    private sealed record Slice(string Label, Func<AvqaMetrics, AccuracyCount> Count);

    // The paper's column order: Audio types, Audio Avg, Visual types, Visual Avg, Audio-Visual types, its Avg, All Avg.
    private static List<Slice> Slices()
    {
        var slices = new List<Slice>();
        foreach (var group in Enum.GetValues<QuestionGroup>())
        {
            foreach (var type in QuestionType.All.Where(t => t.Group == group))
                slices.Add(new($"{ShortGroup(group)} {type.Name}", m => m[type]));
            slices.Add(new($"{ShortGroup(group)} Avg", m => m.Groups[group]));
        }
        slices.Add(new("All Avg", m => m.Overall));
        return slices;
    }

    private static string ShortGroup(QuestionGroup group) => group == QuestionGroup.AudioVisual ? "A-V" : QuestionType.GroupNameOf(group);
}
