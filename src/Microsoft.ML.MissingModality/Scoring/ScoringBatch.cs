using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Scoring;

/// <summary>
/// How many rows a transformer scores per call: its training batch size, but no more rows than
/// <see cref="RowChunks.Rows"/> allows. Every transform of a chain holds its batch's inputs and outputs at once, so
/// at MUSIC-AVQA's shapes a chain scoring 64 rows at each level held gigabytes that scoring 8 at a time does not.
/// </summary>
internal static class ScoringBatch
{
    public static int Rows(int batchSize, FeatureBinding binding) => RowChunks.Rows(batchSize, (long)binding.AudioLength + binding.VisualLength);
}
