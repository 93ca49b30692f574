using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The AVR diffusion's objective: the AVE loss (Eq. 7) on rows with both modalities (the batch source passes complete
/// rows only). The metric is the denoising R² = 1 − (audio error + visual error) / 2: the share of the target's unit
/// variance the denoiser explains (0 = predicting zeros, 1 = exact), higher is better. Rows go through the denoiser in
/// <see cref="RowChunks"/>, with the batch's draws: the same loss and gradient as the batch at once, in a chunk's memory.
/// </summary>
internal sealed class AveObjective : ITrainingObjective, IDisposable
{
    public const string Metric = "denoising R²";

    private readonly AudioVisualDiffusion _diffusion;
    private readonly RecallShape _shape;
    private readonly Generator _trainNoise;
    private readonly Generator _validationNoise;
    private readonly int _chunkRows;

    /// <param name="diffusion">The diffusion trained.</param>
    /// <param name="shape">The pair's shapes.</param>
    /// <param name="seed">Seeds the training and the validation draws.</param>
    /// <param name="chunkRows">Rows per pass through the denoiser; null: as many as <see cref="RowChunks.Rows"/> allows at these shapes.</param>
    public AveObjective(AudioVisualDiffusion diffusion, RecallShape shape, int seed, int? chunkRows = null)
    {
        _diffusion = diffusion;
        _shape = shape;
        _chunkRows = chunkRows ?? RowChunks.Rows(int.MaxValue, shape.RowFloats);
        _trainNoise = new Generator((ulong)seed + 3);
        _validationNoise = new Generator((ulong)seed + 4);
    }

    public nn.Module Network => _diffusion.Network;

    public IReadOnlyList<Generator> Generators => [_trainNoise, _validationNoise];

    public string MetricName => Metric;

    public BatchResult TrainStep(TrainingBatch batch, Device device)
    {
        var (loss, audioError, visualError) = ChunkedLoss(batch, device, _trainNoise, backward: true);
        return new BatchResult(tensor(loss), RSquared(audioError, visualError) * batch.Count, batch.Count) { GradientsComputed = true };
    }

    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device)
    {
        var (_, audioError, visualError) = ChunkedLoss(batch, device, _validationNoise, backward: false);
        return (RSquared(audioError, visualError) * batch.Count, batch.Count);
    }

    // The batch's loss and errors, chunk by chunk: each chunk's are means over its rows, weighted by its share of them.
    private (float Loss, double AudioError, double VisualError) ChunkedLoss(TrainingBatch batch, Device device, Generator noise, bool backward)
    {
        var (audio, visual) = BatchTensors.Pair(batch, _shape, device);
        var draws = _diffusion.DrawTrainingNoise(audio, visual, noise);
        double loss = 0, audioError = 0, visualError = 0;
        foreach (var (start, length) in RowChunks.Ranges(batch.Count, _chunkRows))
        {
            using var scope = NewDisposeScope();
            double share = (double)length / batch.Count;
            var (chunkLoss, chunkAudio, chunkVisual) = _diffusion.Loss(audio.narrow(0, start, length), visual.narrow(0, start, length), draws.Rows(start, length));
            if (backward)
                chunkLoss.Times(share).backward();
            loss += share * chunkLoss.item<float>();
            audioError += share * chunkAudio.item<float>();
            visualError += share * chunkVisual.item<float>();
        }
        return ((float)loss, audioError, visualError);
    }

    public void Dispose()
    {
        _trainNoise.Dispose();
        _validationNoise.Dispose();
    }

    private static double RSquared(double audioError, double visualError) => 1 - (audioError + visualError) / 2;
}
