using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Avr;

/// <summary>
/// Enhances up to <c>capacity</c> rows per call (eval mode, no_grad): the (recalled audio, real picture) pair of the
/// rows that have the picture, and the (real audio, recalled picture) pair of the rows that have the audio; each pair
/// only where it can be built, zeros elsewhere. Each row's noise comes from a generator seeded by the model's seed,
/// the pair and the row's inputs.
/// </summary>
internal sealed class AvrBatchScorer : BindingBatchScorer
{
    private readonly AvrTransformer _owner;
    private readonly float[][] _outputs;

    public AvrBatchScorer(AvrTransformer owner, int capacity) : base(owner.Binding, capacity)
    {
        _owner = owner;
        var b = owner.Binding;
        _outputs = [new float[capacity * b.AudioLength], new float[capacity * b.VisualLength], new float[capacity * b.AudioLength], new float[capacity * b.VisualLength]];
    }

    private protected override void Score(int count)
    {
        var withPicture = BatchTensors.Where(Batch, i => !Batch.VisualMissing[i]);
        var withAudio = BatchTensors.Where(Batch, i => !Batch.AudioMissing[i]);
        Enhance(withPicture, Batch.RecalledAudio!, Batch.Visual, RealPart.Visual, _outputs[0], _outputs[1]);
        Enhance(withAudio, Batch.Audio, Batch.RecalledVisual!, RealPart.Audio, _outputs[2], _outputs[3]);
    }

    public override Delegate MakeOutputGetter(int outputIndex, Func<int> currentSlot) => outputIndex switch
    {
        0 or 2 => SlotGetter(_outputs[outputIndex], Batch.AudioLength, currentSlot),
        1 or 3 => SlotGetter(_outputs[outputIndex], Batch.VisualLength, currentSlot),
        _ => throw new ArgumentOutOfRangeException(nameof(outputIndex)),
    };

    private void Enhance(long[] rows, float[] audioSource, float[] visualSource, RealPart real, float[] audioOutput, float[] visualOutput)
    {
        // A row whose pair cannot be built reads zeros.
        foreach (int i in Enumerable.Range(0, Batch.Count).Except(rows.Select(r => (int)r)))
        {
            audioOutput.AsSpan(i * Batch.AudioLength, Batch.AudioLength).Clear();
            visualOutput.AsSpan(i * Batch.VisualLength, Batch.VisualLength).Clear();
        }
        if (rows.Length == 0)
            return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var device = _owner.Device;
        var shape = _owner.Config.Shape;
        var audio = Gather(audioSource, rows, Batch.AudioLength).to(device).view(rows.Length, shape.Segments, shape.AudioDim);
        var visual = Gather(visualSource, rows, Batch.VisualLength).to(device).view(rows.Length, shape.Segments, shape.VisualChannels, shape.VisualPositions);
        var generators = rows.Select(i => new Generator(RowSeed(audioSource, visualSource, (int)i, (int)real))).ToArray();
        try
        {
            var (enhancedAudio, enhancedVisual) = _owner.Diffusion.Enhance(audio, visual, _owner.Config.Enhancement, real, generators);
            Scatter(enhancedAudio, rows, Batch.AudioLength, audioOutput);
            Scatter(enhancedVisual, rows, Batch.VisualLength, visualOutput);
        }
        finally
        {
            foreach (var generator in generators) generator.Dispose();
        }
    }

    // Rows 0..n−1 in order (every row has the pair: the usual case) need no copy in and one copy out.
    private static bool Leading(long[] rows) => rows[^1] == rows.Length - 1;

    private static Tensor Gather(float[] source, long[] rows, int length)
    {
        if (Leading(rows))
            return BatchTensors.Rows(source, rows.Length, length, CPU);
        var values = new float[rows.Length * length];
        for (int k = 0; k < rows.Length; k++)
            source.AsSpan((int)rows[k] * length, length).CopyTo(values.AsSpan(k * length, length));
        return tensor(values, [rows.Length, length]);
    }

    private static void Scatter(Tensor enhanced, long[] rows, int length, float[] destination)
    {
        if (Leading(rows))
        {
            BatchTensors.CopyTo(enhanced, destination.AsSpan(0, rows.Length * length));
            return;
        }
        var flat = new float[rows.Length * length];
        BatchTensors.CopyTo(enhanced, flat);
        for (int k = 0; k < rows.Length; k++)
            flat.AsSpan(k * length, length).CopyTo(destination.AsSpan((int)rows[k] * length, length));
    }

    // FNV-1a over the seed, the pair and the bits of the row's two inputs: equal inputs, equal noise, in any batch.
    private ulong RowSeed(float[] audio, float[] visual, int row, int pair)
    {
        ulong hash = 14695981039346656037UL;
        hash = (hash ^ (uint)_owner.Config.NoiseSeed) * 1099511628211UL;
        hash = (hash ^ (uint)pair) * 1099511628211UL;
        foreach (float value in audio.AsSpan(row * Batch.AudioLength, Batch.AudioLength))
            hash = (hash ^ BitConverter.SingleToUInt32Bits(value)) * 1099511628211UL;
        foreach (float value in visual.AsSpan(row * Batch.VisualLength, Batch.VisualLength))
            hash = (hash ^ BitConverter.SingleToUInt32Bits(value)) * 1099511628211UL;
        return hash;
    }
}
