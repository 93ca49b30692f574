using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Diffusion;

/// <summary>
/// The AVR diffusion (Sec. 3.2) as two operations over audio-visual pairs: the AVE loss of real pairs (Eq. 7) for
/// training, and the enhancement of a (recalled, real) pair by the reverse process. A pair is the concatenation of a
/// segment's audio and visual map; the scheduler's arithmetic is element-wise, so it is applied to the two parts with
/// the same step and the denoiser sees them together. Segments are independent samples: pairs are folded to
/// <c>[B·T, ...]</c>. Runs in the standardised space of <see cref="AvrNetwork"/>. No ML.NET types.
/// </summary>
internal sealed class AudioVisualDiffusion
{
    public AudioVisualDiffusion(AvrNetwork network, DiffusionScheduler scheduler, DiffusionPrediction prediction)
    {
        Network = network;
        Scheduler = scheduler;
        Prediction = prediction;
    }

    public AvrNetwork Network { get; }

    public DiffusionScheduler Scheduler { get; }

    public DiffusionPrediction Prediction { get; }

    /// <summary>
    /// Eq. 7 on real pairs: a step t and noise ε per segment from <paramref name="generator"/>, f_t = q_sample(f_0, t, ε),
    /// and the squared error of the denoiser's prediction against its target (ε, or v). The audio's and the visual
    /// map's errors are averaged separately and summed, so that the 128 audio values of a segment are not outweighed by
    /// its thousands of visual ones (see docs/paper-fidelity.md).
    /// </summary>
    /// <param name="audio">Real audio <c>[B, T, A]</c>.</param>
    /// <param name="visual">Real maps <c>[B, T, C, P]</c>.</param>
    /// <param name="generator">Draws the steps and the noise (CPU).</param>
    public (Tensor Loss, Tensor AudioError, Tensor VisualError) Loss(Tensor audio, Tensor visual, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (loss, audioError, visualError) = Loss(audio, visual, DrawTrainingNoise(audio, visual, generator));
        return (loss.MoveToOuterDisposeScope(), audioError.MoveToOuterDisposeScope(), visualError.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The steps and noise Eq. 7 draws for the pairs of <paramref name="audio"/> <c>[B, T, A]</c> and
    /// <paramref name="visual"/> <c>[B, T, C, P]</c>: drawn for the whole batch at once, so that a batch taken in chunks
    /// (<see cref="DiffusionDraws.Rows"/>) sees the same draws as the batch at once.
    /// </summary>
    public DiffusionDraws DrawTrainingNoise(Tensor audio, Tensor visual, Generator generator)
    {
        long segments = audio.shape[1], pairs = audio.shape[0] * segments;
        var config = Network.Config;
        var steps = randint(0, Scheduler.Steps, [pairs], dtype: ScalarType.Int64, generator: generator).to(audio.device);
        var audioNoise = GaussianNoise.Draw([pairs, config.AudioDim], generator).to(audio.device);
        var visualNoise = GaussianNoise.Draw([pairs, config.VisualChannels, config.VisualHeight, config.VisualWidth], generator).to(visual.device);
        return new DiffusionDraws(steps, audioNoise, visualNoise, segments);
    }

    /// <summary>Eq. 7 with the given draws (one per segment of the rows, <see cref="DrawTrainingNoise"/>).</summary>
    public (Tensor Loss, Tensor AudioError, Tensor VisualError) Loss(Tensor audio, Tensor visual, DiffusionDraws draws)
    {
        using var scope = NewDisposeScope();
        var (a0, v0) = Network.Standardize(FoldAudio(audio), FoldVisual(visual));
        var (audioPrediction, visualPrediction) = Network.Denoiser.Predict(
            Scheduler.AddNoise(a0, draws.AudioNoise, draws.Steps), Scheduler.AddNoise(v0, draws.VisualNoise, draws.Steps), draws.Steps);
        var audioError = nn.functional.mse_loss(audioPrediction, Scheduler.Target(a0, draws.AudioNoise, draws.Steps, Prediction));
        var visualError = nn.functional.mse_loss(visualPrediction, Scheduler.Target(v0, draws.VisualNoise, draws.Steps, Prediction));
        return (audioError.Plus(visualError).MoveToOuterDisposeScope(), audioError.MoveToOuterDisposeScope(), visualError.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Enhances pairs (Fig. 4b): with S &gt; 0 the pair is noised to step S (q_sample at t = S − 1) and taken back through
    /// S reverse steps; with S = 0 no noise is added and the pair is taken through all T reverse steps as if it were f_T
    /// (the public code's inference). The output is split back into audio and maps.
    /// </summary>
    /// <param name="audio">Audio <c>[B, T, A]</c> (recalled or real).</param>
    /// <param name="visual">Maps <c>[B, T, C, P]</c> (recalled or real).</param>
    /// <param name="settings">Start step, sampler, clamp, and whether the real part is kept.</param>
    /// <param name="realPart">Which part of the pair is real (used when <see cref="EnhancementSettings.KeepRealModality"/>).</param>
    /// <param name="rowNoise">One seeded generator per row: every draw for row i comes from generator i, so the result does not depend on batching.</param>
    public (Tensor Audio, Tensor Visual) Enhance(Tensor audio, Tensor visual, EnhancementSettings settings, RealPart realPart, IReadOnlyList<Generator> rowNoise)
    {
        if (rowNoise.Count != audio.shape[0])
            throw new ArgumentException($"{rowNoise.Count} noise generators for {audio.shape[0]} rows.", nameof(rowNoise));
        return Enhance(audio, visual, settings, realPart, (a, v) => Noise(a, v, rowNoise));
    }

    /// <summary>
    /// <see cref="Enhance(Tensor, Tensor, EnhancementSettings, RealPart, IReadOnlyList{Generator})"/> with every draw
    /// from one generator (training: the result depends on the batch, which does not matter there). Differentiable
    /// outside no_grad: the answer loss of a joint training reaches the denoiser and the inputs through it.
    /// </summary>
    public (Tensor Audio, Tensor Visual) Enhance(Tensor audio, Tensor visual, EnhancementSettings settings, RealPart realPart, Generator noise) =>
        Enhance(audio, visual, settings, realPart, (a, v) => (GaussianNoise.Draw(a.shape, noise).to(a.device), GaussianNoise.Draw(v.shape, noise).to(v.device)));

    // The reverse process with noise shaped like the folded pair from drawNoise.
    private (Tensor Audio, Tensor Visual) Enhance(Tensor audio, Tensor visual, EnhancementSettings settings, RealPart realPart,
        Func<Tensor, Tensor, (Tensor Audio, Tensor Visual)> drawNoise)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.StartStep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.StartStep, Scheduler.Steps);
        using var scope = NewDisposeScope();
        var (a0, v0) = Network.Standardize(FoldAudio(audio), FoldVisual(visual));
        var (a, v) = (a0, v0);
        int first = settings.StartStep == 0 ? Scheduler.Steps - 1 : settings.StartStep - 1;
        // One noise draw per row for the start and for re-noising the kept real part (deterministic across steps);
        // S = 0 without a kept part needs none (a full-size draw per batch, on the scoring path).
        var (audioStartNoise, visualStartNoise) = settings.StartStep > 0 || settings.KeepRealModality ? drawNoise(a0, v0) : (a0, v0);
        if (settings.StartStep > 0)
        {
            a = Scheduler.AddNoise(a0, audioStartNoise, Repeat(first, a0));
            v = Scheduler.AddNoise(v0, visualStartNoise, Repeat(first, v0));
        }
        for (int t = first; t >= 0; t--)
        {
            using var step = NewDisposeScope();
            using Scalar stepNumber = t;
            var (audioPrediction, visualPrediction) = Network.Denoiser.Predict(a, v, full(a.shape[0], stepNumber, dtype: ScalarType.Int64, device: a.device));
            Tensor nextAudio, nextVisual;
            if (settings.Sampler == DiffusionSampler.Ddim)
            {
                nextAudio = Scheduler.DdimStep(audioPrediction, t, t - 1, a, Prediction, settings.ClampOriginal);
                nextVisual = Scheduler.DdimStep(visualPrediction, t, t - 1, v, Prediction, settings.ClampOriginal);
            }
            else
            {
                var (audioNoise, visualNoise) = t > 0 ? drawNoise(a, v) : (null, null);
                nextAudio = Scheduler.Step(audioPrediction, t, a, Prediction, audioNoise, settings.ClampOriginal);
                nextVisual = Scheduler.Step(visualPrediction, t, v, Prediction, visualNoise, settings.ClampOriginal);
            }
            if (settings.KeepRealModality)
            {
                // The real part at step t − 1: q_sample of the real features (the features themselves at the end).
                if (realPart == RealPart.Audio)
                    nextAudio = t == 0 ? a0.clone() : Scheduler.AddNoise(a0, audioStartNoise, Repeat(t - 1, a0));
                else
                    nextVisual = t == 0 ? v0.clone() : Scheduler.AddNoise(v0, visualStartNoise, Repeat(t - 1, v0));
            }
            a = nextAudio.MoveToOuterDisposeScope();
            v = nextVisual.MoveToOuterDisposeScope();
        }
        var (restoredAudio, restoredVisual) = Network.Restore(a, v);
        return (restoredAudio.view_as(audio).MoveToOuterDisposeScope(), restoredVisual.reshape(visual.shape).MoveToOuterDisposeScope());
    }

    private static long[] Repeat(int step, Tensor rows) => Enumerable.Repeat((long)step, (int)rows.shape[0]).ToArray();

    private Tensor FoldAudio(Tensor audio) => audio.reshape(-1, Network.Config.AudioDim);

    private Tensor FoldVisual(Tensor visual) =>
        visual.reshape(-1, Network.Config.VisualChannels, Network.Config.VisualHeight, Network.Config.VisualWidth);

    // Standard normal noise shaped like the folded pair, each row's segments drawn from that row's generator.
    private static (Tensor Audio, Tensor Visual) Noise(Tensor a, Tensor v, IReadOnlyList<Generator> rowNoise)
    {
        long segments = a.shape[0] / rowNoise.Count;
        var audioShape = new[] { segments }.Concat(a.shape.Skip(1)).ToArray();
        var visualShape = new[] { segments }.Concat(v.shape.Skip(1)).ToArray();
        var audio = GaussianNoise.Draw(audioShape, rowNoise).to(a.device);
        var visual = GaussianNoise.Draw(visualShape, rowNoise).to(v.device);
        return (audio, visual);
    }
}

/// <summary>
/// Eq. 7's draws for a batch: a step per segment <c>[B·T]</c> and noise shaped like the folded pairs (audio
/// <c>[B·T, A]</c>, maps <c>[B·T, C, H, W]</c>), rows in order.
/// </summary>
internal sealed record DiffusionDraws(Tensor Steps, Tensor AudioNoise, Tensor VisualNoise, long Segments)
{
    /// <summary>The draws of rows <paramref name="start"/> .. start + length − 1 (views, no copy).</summary>
    public DiffusionDraws Rows(int start, int length) => new(
        Steps.narrow(0, start * Segments, length * Segments),
        AudioNoise.narrow(0, start * Segments, length * Segments),
        VisualNoise.narrow(0, start * Segments, length * Segments),
        Segments);
}
