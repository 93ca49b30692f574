using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>Turns a <see cref="TrainingBatch"/>'s arrays into tensors on a device (inside the caller's dispose scope).</summary>
internal static class BatchTensors
{
    public static AvstBatch Inputs(TrainingBatch batch, AvstConfig config, Device device) =>
        AvstBatch.FromFlat(Rows(batch.Audio, batch.Count, batch.AudioLength, device),
            Rows(batch.Visual, batch.Count, batch.VisualLength, device), Question(batch, device), config);

    /// <summary>The raw audio <c>[B, T, A]</c>.</summary>
    public static Tensor Audio(TrainingBatch batch, AvstConfig config, Device device) =>
        AvstBatch.ReshapeAudio(Rows(batch.Audio, batch.Count, batch.AudioLength, device), config);

    /// <summary>The real visual maps <c>[B, T, C, P]</c> as one tensor (copying rows referenced in place into the batch first).</summary>
    public static Tensor Visual(TrainingBatch batch, AvstConfig config, Device device) =>
        AvstBatch.ReshapeVisual(Rows(batch.Visual, batch.Count, batch.VisualLength, device), config);

    /// <summary>
    /// The real visual maps read where their rows are, when the batch references them and the network runs on the CPU
    /// (where the fused grounding reads them); else null, and <see cref="Visual"/> is the way.
    /// </summary>
    public static VisualMapRows? VisualRows(TrainingBatch batch, AvstConfig config, Device device) =>
        batch.VisualRows is { Count: > 0 } rows && device.type == DeviceType.CPU
            ? new VisualMapRows(rows, config.Segments, config.VisualChannels, config.VisualPositions)
            : null;

    /// <summary>The real pair as audio <c>[B, T, A]</c> and visual maps <c>[B, T, C, P]</c>.</summary>
    public static (Tensor Audio, Tensor Visual) Pair(TrainingBatch batch, RecallShape shape, Device device) =>
        (Rows(batch.Audio, batch.Count, batch.AudioLength, device).view(batch.Count, shape.Segments, shape.AudioDim),
         Rows(batch.Visual, batch.Count, batch.VisualLength, device).view(batch.Count, shape.Segments, shape.VisualChannels, shape.VisualPositions));

    /// <summary>The question as int64 tokens <c>[B, L]</c> or float vectors <c>[B, qdim]</c>, whichever the batch holds.</summary>
    public static Tensor Question(TrainingBatch batch, Device device)
    {
        int n = batch.Count;
        return batch.Tokens is not null
            ? tensor(batch.Tokens.AsSpan(0, n * batch.QuestionLength).ToArray(), [n, batch.QuestionLength]).to(device)
            : Rows(batch.QuestionVector!, n, batch.QuestionLength, device);
    }

    public static Tensor Labels(TrainingBatch batch, Device device) =>
        tensor(batch.Labels.AsSpan(0, batch.Count).ToArray(), [batch.Count]).to(device);

    /// <summary>A float mask <c>[B]</c>: 1 where <paramref name="keep"/> holds for the row.</summary>
    public static Tensor Mask(TrainingBatch batch, Func<int, bool> keep, Device device)
    {
        var values = new float[batch.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = keep(i) ? 1f : 0f;
        return tensor(values, [values.Length]).to(device);
    }

    /// <summary>Indices <c>[K]</c> (int64) of the rows where <paramref name="keep"/> holds.</summary>
    public static long[] Where(TrainingBatch batch, Func<int, bool> keep) =>
        Enumerable.Range(0, batch.Count).Where(keep).Select(i => (long)i).ToArray();

    /// <summary>
    /// The first <paramref name="rows"/> rows of a flat array as a <c>[rows, length]</c> tensor on <paramref name="device"/>.
    /// On the CPU the tensor is the array itself, pinned while the tensor lives: no copy and no garbage per batch
    /// (<c>torch.tensor(array)</c> clones it: a 257 MB managed array per MUSIC-AVQA batch of 64). So the array must not
    /// be refilled while the tensor is in use, and nothing may write into the tensor in place.
    /// </summary>
    public static Tensor Rows(float[] values, int rows, int length, Device device)
    {
        long count = (long)rows * length;
        if (count == 0)
            return zeros([rows, length], device: device);
        var result = frombuffer(values, ScalarType.Float32, count).view(rows, length);
        return device.type == DeviceType.CPU ? result : result.to(device);
    }

    /// <summary>
    /// Copies a float tensor's values, in row-major order, into <paramref name="destination"/> (which must hold exactly
    /// as many). Through the tensor's bytes: TorchSharp's <c>data&lt;float&gt;().CopyTo</c> walks the elements one by one,
    /// 34 ms for a 32 MB batch of eight MUSIC-AVQA maps against 2 ms for this copy.
    /// </summary>
    public static void CopyTo(Tensor values, Span<float> destination)
    {
        if (values.dtype != ScalarType.Float32)
            throw new ArgumentException($"Expected a float32 tensor; got {values.dtype}.", nameof(values));
        if (values.numel() != destination.Length)
            throw new ArgumentException($"The tensor has {values.numel()} values; the destination holds {destination.Length}.", nameof(destination));
        if (destination.Length == 0)
            return;
        using var scope = NewDisposeScope();
        var dense = values.device_type == DeviceType.CPU && values.is_contiguous() ? values : values.cpu().contiguous();
        dense.Floats().CopyTo(destination);
    }
}
