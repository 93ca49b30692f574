using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// One batch for <see cref="AvstNetwork"/>: raw audio <c>[B, T, AudioDim]</c> (float32), visual maps
/// <c>[B, T, C, P]</c> (float32; channels, then the P = H·W positions in row-major order; P = 1 for pooled features),
/// and the question as either <see cref="QuestionTokens"/> <c>[B, L]</c> (int64 ids, 0 = padding) or
/// <see cref="QuestionVector"/> <c>[B, qdim]</c> (float32), matching <see cref="AvstConfig.QuestionInput"/>.
/// The batch does not own its tensors.
/// </summary>
internal sealed record AvstBatch(Tensor Audio, Tensor Visual, Tensor? QuestionTokens = null, Tensor? QuestionVector = null)
{
    /// <summary>
    /// Builds a batch from flattened rows as the dataset stores them: audio <c>[B, T·A]</c> (per video <c>[T, A]</c>
    /// row-major) and visual <c>[B, T·C·H·W]</c> (per video <c>[T, C, H, W]</c> row-major, or <c>[T, C]</c> pooled).
    /// The question tensor is taken as tokens or vector according to <paramref name="config"/>.
    /// </summary>
    public static AvstBatch FromFlat(Tensor audioFlat, Tensor visualFlat, Tensor question, AvstConfig config)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(config);
        var audio = ReshapeAudio(audioFlat, config);
        var visual = ReshapeVisual(visualFlat, config);
        return config.QuestionInput == QuestionInputKind.Tokens
            ? new AvstBatch(audio, visual, QuestionTokens: question)
            : new AvstBatch(audio, visual, QuestionVector: question);
    }

    /// <summary>Views flattened audio <c>[B, T·A]</c> as <c>[B, T, A]</c>.</summary>
    public static Tensor ReshapeAudio(Tensor audioFlat, AvstConfig config)
    {
        ArgumentNullException.ThrowIfNull(audioFlat);
        ArgumentNullException.ThrowIfNull(config);
        long length = (long)config.Segments * config.AudioDim;
        if (audioFlat.dim() != 2 || audioFlat.shape[1] != length)
            throw new ArgumentException($"Flat audio must be [B, {length}] (T={config.Segments} × A={config.AudioDim}); got [{string.Join(",", audioFlat.shape)}].", nameof(audioFlat));
        return audioFlat.view(audioFlat.shape[0], config.Segments, config.AudioDim);
    }

    /// <summary>
    /// Views flattened visual features <c>[B, T·C·H·W]</c> as <c>[B, T, C, P]</c>. Row-major <c>[T, C, H, W]</c> keeps each
    /// channel's H·W positions contiguous, so flattening H and W into P is a pure view (no copy).
    /// </summary>
    public static Tensor ReshapeVisual(Tensor visualFlat, AvstConfig config)
    {
        ArgumentNullException.ThrowIfNull(visualFlat);
        ArgumentNullException.ThrowIfNull(config);
        long length = (long)config.Segments * config.VisualChannels * config.VisualPositions;
        if (visualFlat.dim() != 2 || visualFlat.shape[1] != length)
            throw new ArgumentException($"Flat visual features must be [B, {length}] (T={config.Segments} × C={config.VisualChannels} × P={config.VisualPositions}); got [{string.Join(",", visualFlat.shape)}].", nameof(visualFlat));
        return visualFlat.view(visualFlat.shape[0], config.Segments, config.VisualChannels, config.VisualPositions);
    }
}
