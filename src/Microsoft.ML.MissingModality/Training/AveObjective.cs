using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The AVR diffusion's objective: the AVE loss (Eq. 7) on rows with both modalities (the batch source passes complete
/// rows only). The metric is the denoising R² = 1 − (audio error + visual error) / 2: the share of the target's unit
/// variance the denoiser explains (0 = predicting zeros, 1 = exact), higher is better.
/// </summary>
internal sealed class AveObjective : ITrainingObjective, IDisposable
{
    public const string Metric = "denoising R²";

    private readonly AudioVisualDiffusion _diffusion;
    private readonly RecallShape _shape;
    private readonly Generator _trainNoise;
    private readonly Generator _validationNoise;

    public AveObjective(AudioVisualDiffusion diffusion, RecallShape shape, int seed)
    {
        _diffusion = diffusion;
        _shape = shape;
        _trainNoise = new Generator((ulong)seed + 3);
        _validationNoise = new Generator((ulong)seed + 4);
    }

    public nn.Module Network => _diffusion.Network;

    public IReadOnlyList<Generator> Generators => [_trainNoise, _validationNoise];

    public string MetricName => Metric;

    public BatchResult TrainStep(TrainingBatch batch, Device device)
    {
        var (audio, visual) = BatchTensors.Pair(batch, _shape, device);
        var (loss, audioError, visualError) = _diffusion.Loss(audio, visual, _trainNoise);
        return new BatchResult(loss, RSquared(audioError, visualError) * batch.Count, batch.Count);
    }

    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device)
    {
        var (audio, visual) = BatchTensors.Pair(batch, _shape, device);
        var (_, audioError, visualError) = _diffusion.Loss(audio, visual, _validationNoise);
        return (RSquared(audioError, visualError) * batch.Count, batch.Count);
    }

    public void Dispose()
    {
        _trainNoise.Dispose();
        _validationNoise.Dispose();
    }

    private static double RSquared(Tensor audioError, Tensor visualError) =>
        1 - (audioError.item<float>() + visualError.item<float>()) / 2;
}
