using System.Globalization;

namespace Microsoft.ML.MissingModality.Evaluation;

/// <summary>
/// How close recalled features are to the real ones, over rows where both modalities are present (so the real
/// features are known): mean squared error per value and cosine similarity per segment, averaged, for each modality.
/// Lower error and higher cosine are better; the training-mean recall is the bar to clear.
/// </summary>
/// <param name="AudioMse">Mean squared error of the recalled audio.</param>
/// <param name="AudioCosine">Cosine similarity of recalled and real audio, per segment, averaged.</param>
/// <param name="VisualMse">Mean squared error of the recalled visual features.</param>
/// <param name="VisualCosine">Cosine similarity of recalled and real visual features, per segment, averaged.</param>
/// <param name="Rows">Rows compared (rows missing a modality are skipped).</param>
public sealed record RecallQuality(double AudioMse, double AudioCosine, double VisualMse, double VisualCosine, long Rows)
{
    /// <summary>For example <c>audio MSE 1.5238 cos 0.235, visual MSE 0.2120 cos 0.721 (1482 rows)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"audio MSE {AudioMse:F4} cos {AudioCosine:F3}, visual MSE {VisualMse:F4} cos {VisualCosine:F3} ({Rows} rows)");
}
