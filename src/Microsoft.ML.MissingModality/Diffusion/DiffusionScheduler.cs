using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Diffusion;

/// <summary>
/// The fixed part of a diffusion model: the noise schedule and the arithmetic of the forward process (adding noise,
/// for training) and of the reverse process (one denoising step, for sampling). It holds no network and no
/// randomness, so the denoiser knows nothing of schedules and the caller's seeded generator owns every draw.
/// The schedule is computed once, in double precision; tensor arithmetic runs in the input's dtype on its device.
/// </summary>
/// <remarks>
/// Timesteps count from 0: t = 0..T−1 is DDPM's 1..T. Tensors are batch-first; a per-row coefficient (one timestep
/// per row) is broadcast over the remaining dimensions. The results belong to the caller's dispose scope.
/// </remarks>
internal sealed class DiffusionScheduler
{
    private readonly double[] _alphaBars, _sqrtAlphaBars, _sqrtOneMinusAlphaBars, _posteriorVariance, _posteriorOriginal, _posteriorCurrent;

    /// <summary>Computes the schedule.</summary>
    /// <param name="schedule">How the betas grow.</param>
    /// <param name="steps">T, the number of diffusion steps (the AVQA paper: 10).</param>
    /// <param name="betaStart">Linear only: the first β as given; null for DDPM's 1e-4, scaled by 1000/T.</param>
    /// <param name="betaEnd">Linear only: the last β as given; null for DDPM's 0.02, scaled by 1000/T.</param>
    public DiffusionScheduler(BetaSchedule schedule, int steps, double? betaStart = null, double? betaEnd = null)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "A diffusion needs at least 1 step.");
        Schedule = schedule;
        Steps = steps;
        var betas = BetaSchedules.For(schedule, steps, betaStart, betaEnd);
        var alphas = new double[steps];
        var alphaBarsPrevious = new double[steps];
        _alphaBars = new double[steps];
        _sqrtAlphaBars = new double[steps];
        _sqrtOneMinusAlphaBars = new double[steps];
        _posteriorVariance = new double[steps];
        _posteriorOriginal = new double[steps];
        _posteriorCurrent = new double[steps];
        double product = 1;
        for (int t = 0; t < steps; t++)
        {
            alphas[t] = 1 - betas[t];
            alphaBarsPrevious[t] = product;  // ᾱ_{t−1}, with ᾱ_{−1} = 1
            product *= alphas[t];
            _alphaBars[t] = product;
            _sqrtAlphaBars[t] = Math.Sqrt(product);
            _sqrtOneMinusAlphaBars[t] = Math.Sqrt(1 - product);
            // The posterior q(x_{t−1} | x_t, x_0) (Ho et al. 2020, Eqs. 6-7): variance β̃_t and mean c0·x_0 + ct·x_t.
            _posteriorVariance[t] = betas[t] * (1 - alphaBarsPrevious[t]) / (1 - product);
            _posteriorOriginal[t] = betas[t] * Math.Sqrt(alphaBarsPrevious[t]) / (1 - product);
            _posteriorCurrent[t] = Math.Sqrt(alphas[t]) * (1 - alphaBarsPrevious[t]) / (1 - product);
        }
        Betas = Array.AsReadOnly(betas);
        Alphas = Array.AsReadOnly(alphas);
        AlphasCumulative = Array.AsReadOnly(_alphaBars);
        AlphasCumulativePrevious = Array.AsReadOnly(alphaBarsPrevious);
        SqrtAlphasCumulative = Array.AsReadOnly(_sqrtAlphaBars);
        SqrtOneMinusAlphasCumulative = Array.AsReadOnly(_sqrtOneMinusAlphaBars);
        PosteriorVariance = Array.AsReadOnly(_posteriorVariance);
        PosteriorMeanCoefficientOriginal = Array.AsReadOnly(_posteriorOriginal);
        PosteriorMeanCoefficientCurrent = Array.AsReadOnly(_posteriorCurrent);
    }

    public BetaSchedule Schedule { get; }

    /// <summary>T: valid timesteps are 0..T−1.</summary>
    public int Steps { get; }

    /// <summary>β_t, the variance of the noise added at step t.</summary>
    public IReadOnlyList<double> Betas { get; }

    /// <summary>α_t = 1 − β_t.</summary>
    public IReadOnlyList<double> Alphas { get; }

    /// <summary>ᾱ_t = Π_{s≤t} α_s: x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (Ho et al. 2020, Eq. 4).</summary>
    public IReadOnlyList<double> AlphasCumulative { get; }

    /// <summary>ᾱ_{t−1}, with ᾱ_{−1} = 1 (the clean input).</summary>
    public IReadOnlyList<double> AlphasCumulativePrevious { get; }

    /// <summary>√ᾱ_t.</summary>
    public IReadOnlyList<double> SqrtAlphasCumulative { get; }

    /// <summary>√(1 − ᾱ_t).</summary>
    public IReadOnlyList<double> SqrtOneMinusAlphasCumulative { get; }

    /// <summary>β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t), the variance of q(x_{t−1} | x_t, x_0) (Ho et al. 2020, Eq. 7); 0 at t = 0.</summary>
    public IReadOnlyList<double> PosteriorVariance { get; }

    /// <summary>The weight of x_0 in the posterior mean: β_t·√ᾱ_{t−1}/(1 − ᾱ_t) (Ho et al. 2020, Eq. 7).</summary>
    public IReadOnlyList<double> PosteriorMeanCoefficientOriginal { get; }

    /// <summary>The weight of x_t in the posterior mean: √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t) (Ho et al. 2020, Eq. 7).</summary>
    public IReadOnlyList<double> PosteriorMeanCoefficientCurrent { get; }

    /// <summary>
    /// The forward process in one jump, q(x_t | x_0) (Ho et al. 2020, Eq. 4; the AVQA paper's Eq. 5):
    /// x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, one timestep per row.
    /// </summary>
    public Tensor AddNoise(Tensor x0, Tensor noise, long[] t)
    {
        DiffusionTensors.CheckSameShape(x0, noise, nameof(noise));
        return Combine(i => _sqrtAlphaBars[i], x0, i => _sqrtOneMinusAlphaBars[i], noise, t);
    }

    /// <inheritdoc cref="AddNoise(Tensor, Tensor, long[])"/>
    public Tensor AddNoise(Tensor x0, Tensor noise, Tensor t) => AddNoise(x0, noise, DiffusionTensors.Timesteps(t));

    /// <summary>
    /// What the denoiser should output for x_t = <see cref="AddNoise(Tensor, Tensor, long[])"/>(x0, noise, t): the noise
    /// itself (a new handle on it), or the velocity v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0 (Salimans &amp; Ho 2022, Sec. 4).
    /// </summary>
    public Tensor Target(Tensor x0, Tensor noise, long[] t, DiffusionPrediction prediction)
    {
        DiffusionTensors.CheckSameShape(x0, noise, nameof(noise));
        CheckTimesteps(t, x0);
        return prediction switch
        {
            DiffusionPrediction.Noise => noise.alias(),
            DiffusionPrediction.Velocity => Combine(i => _sqrtAlphaBars[i], noise, i => -_sqrtOneMinusAlphaBars[i], x0, t),
            _ => throw UnknownPrediction(prediction),
        };
    }

    /// <inheritdoc cref="Target(Tensor, Tensor, long[], DiffusionPrediction)"/>
    public Tensor Target(Tensor x0, Tensor noise, Tensor t, DiffusionPrediction prediction) =>
        Target(x0, noise, DiffusionTensors.Timesteps(t), prediction);

    /// <summary>
    /// The estimate x̂_0 of the clean input from x_t and the denoiser's output: from ε̂, x̂_0 = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t
    /// (Ho et al. 2020, Eq. 15); from v̂, x̂_0 = √ᾱ_t·x_t − √(1 − ᾱ_t)·v̂ (Salimans &amp; Ho 2022).
    /// </summary>
    /// <param name="xt">The noisy input x_t <c>[B, ...]</c>.</param>
    /// <param name="modelOutput">The denoiser's output for x_t, shaped like it.</param>
    /// <param name="t">One timestep per row.</param>
    /// <param name="prediction">What the denoiser outputs.</param>
    /// <param name="clampOriginal">Clamps x̂_0 to [−c, c] when given (the AVQA public code uses 1); null leaves it as is.</param>
    public Tensor PredictOriginal(Tensor xt, Tensor modelOutput, long[] t, DiffusionPrediction prediction, double? clampOriginal = null)
    {
        DiffusionTensors.CheckSameShape(xt, modelOutput, nameof(modelOutput));
        DiffusionTensors.CheckClamp(clampOriginal);
        var x0 = prediction switch
        {
            DiffusionPrediction.Noise => Combine(i => 1 / _sqrtAlphaBars[i], xt, i => -_sqrtOneMinusAlphaBars[i] / _sqrtAlphaBars[i], modelOutput, t),
            DiffusionPrediction.Velocity => Combine(i => _sqrtAlphaBars[i], xt, i => -_sqrtOneMinusAlphaBars[i], modelOutput, t),
            _ => throw UnknownPrediction(prediction),
        };
        if (clampOriginal is not double c)
            return x0;
        using Scalar low = -c, high = c;
        return x0.clamp(low, high);
    }

    /// <inheritdoc cref="PredictOriginal(Tensor, Tensor, long[], DiffusionPrediction, double?)"/>
    public Tensor PredictOriginal(Tensor xt, Tensor modelOutput, Tensor t, DiffusionPrediction prediction, double? clampOriginal = null) =>
        PredictOriginal(xt, modelOutput, DiffusionTensors.Timesteps(t), prediction, clampOriginal);

    /// <summary>
    /// One DDPM reverse step x_t → x_{t−1}, every row at step <paramref name="t"/> (the AVQA paper's Eq. 6): a draw from
    /// the posterior q(x_{t−1} | x_t, x̂_0) around the denoiser's estimate x̂_0.
    /// </summary>
    /// <param name="modelOutput">The denoiser's output for x_t, shaped like it.</param>
    /// <param name="t">The step every row is at, 0..T−1.</param>
    /// <param name="xt">The current sample x_t <c>[B, ...]</c>.</param>
    /// <param name="prediction">What the denoiser outputs.</param>
    /// <param name="noise">z ~ N(0, I) shaped like x_t, drawn by the caller; null gives the posterior mean. Not used at t = 0.</param>
    /// <param name="clampOriginal">Clamps x̂_0 to [−c, c] before the posterior when given.</param>
    /// <returns>x_{t−1}, in x_t's dtype.</returns>
    public Tensor Step(Tensor modelOutput, int t, Tensor xt, DiffusionPrediction prediction, Tensor? noise = null, double? clampOriginal = null)
    {
        CheckTimestep(t, nameof(t));
        if (noise is not null)
            DiffusionTensors.CheckSameShape(xt, noise, nameof(noise));
        var rows = SameStep(t, xt);

        // 1. x̂_0 from the model output: Ho et al. 2020, Eq. 15 for ε̂; Salimans & Ho 2022 for v̂; optionally clamped.
        var x0 = PredictOriginal(xt, modelOutput, rows, prediction, clampOriginal);

        // 2. The posterior mean μ̃_t(x_t, x̂_0) = c0·x̂_0 + ct·x_t (Ho et al. 2020, Eq. 7).
        // 3. x_{t−1} = μ̃_t + σ_t·z with σ_t² = β̃_t (Ho et al. 2020, Algorithm 2, line 4, and Sec. 3.2); z = 0 at the last step.
        var z = noise is null || t == 0 ? null : noise;
        double sigma = Math.Sqrt(_posteriorVariance[t]);
        if (FusedCombine.Supports(x0, xt, z))
            return FusedCombine.Sum(Uniform(_posteriorOriginal[t], xt), x0, Uniform(_posteriorCurrent[t], xt), xt, z is null ? null : Uniform(sigma, xt), z);
        var mean = x0.Times(_posteriorOriginal[t]).Plus(xt.Times(_posteriorCurrent[t]));
        return z is null ? mean : mean.Plus(z.Times(sigma));
    }

    /// <summary>
    /// One deterministic DDIM step (Song et al. 2021, Eq. 12 with σ = 0, η = 0) from <paramref name="t"/> to
    /// <paramref name="tPrev"/> &lt; t, every row at the same step; tPrev = −1 lands on x_0 (ᾱ_{−1} = 1). Skipping steps
    /// this way samples with fewer network calls than DDPM.
    /// </summary>
    /// <param name="modelOutput">The denoiser's output for x_t, shaped like it.</param>
    /// <param name="t">The step every row is at, 0..T−1.</param>
    /// <param name="tPrev">The step to go to, −1..t−1.</param>
    /// <param name="xt">The current sample x_t <c>[B, ...]</c>.</param>
    /// <param name="prediction">What the denoiser outputs.</param>
    /// <param name="clampOriginal">Clamps x̂_0 to [−c, c] when given; ε̂ is then re-derived from the clamped x̂_0.</param>
    /// <returns>x_{tPrev}, in x_t's dtype.</returns>
    public Tensor DdimStep(Tensor modelOutput, int t, int tPrev, Tensor xt, DiffusionPrediction prediction, double? clampOriginal = null)
    {
        CheckTimestep(t, nameof(t));
        if (tPrev < -1 || tPrev >= t)
            throw new ArgumentOutOfRangeException(nameof(tPrev), tPrev, $"The previous timestep must lie in [-1, t) = [-1, {t}).");
        var rows = SameStep(t, xt);

        // 1. x̂_0 from the model output ("predicted x_0" of Song et al. 2021, Eq. 12), optionally clamped.
        var x0 = PredictOriginal(xt, modelOutput, rows, prediction, clampOriginal);

        // 2. ε̂, the direction pointing to x_t: the model's own (ε-prediction), or from v̂ as √ᾱ_t·v̂ + √(1 − ᾱ_t)·x_t; from
        //    x_t = √ᾱ_t·x̂_0 + √(1 − ᾱ_t)·ε̂ when x̂_0 was clamped, so that the step stays on the line through both.
        var epsilon = clampOriginal is not null
            ? (xt - x0.Times(_sqrtAlphaBars[t])).DividedBy(_sqrtOneMinusAlphaBars[t])
            : prediction == DiffusionPrediction.Noise ? modelOutput.alias() : modelOutput.Times(_sqrtAlphaBars[t]).Plus(xt.Times(_sqrtOneMinusAlphaBars[t]));

        // 3. x_{t−1} = √ᾱ_{t−1}·x̂_0 + √(1 − ᾱ_{t−1})·ε̂ (Song et al. 2021, Eq. 12, σ_t = 0).
        double alphaBarPrev = tPrev < 0 ? 1 : _alphaBars[tPrev];
        return x0.Times(Math.Sqrt(alphaBarPrev)).Plus(epsilon.Times(Math.Sqrt(1 - alphaBarPrev)));
    }

    /// <summary>
    /// <paramref name="count"/> timesteps evenly spread over T−1..0, in the order a sampler visits them (the first is
    /// always T−1); each step goes to the next, the last to −1. With count = T it is every step.
    /// </summary>
    public int[] SamplingTimesteps(int count)
    {
        if (count < 1 || count > Steps)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Sampling needs between 1 and T = {Steps} timesteps.");
        var timesteps = new int[count];
        for (int i = 0; i < count; i++)
            timesteps[count - 1 - i] = (int)Math.Round((i + 1.0) * Steps / count) - 1;
        return timesteps;
    }

    // a(t_i)·x_i + b(t_i)·y_i for every row i, in x's dtype.
    private Tensor Combine(Func<long, double> a, Tensor x, Func<long, double> b, Tensor y, long[] t)
    {
        CheckTimesteps(t, x);
        if (FusedCombine.Supports(x, y))
            return FusedCombine.Sum(t.Select(a).ToArray(), x, t.Select(b).ToArray(), y);
        var sum = (DiffusionTensors.PerRow(t.Select(a), x) * x).Plus(DiffusionTensors.PerRow(t.Select(b), x) * y);
        return DiffusionTensors.InDtypeOf(sum, x);
    }

    private void CheckTimesteps(long[] t, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (like.dim() < 1 || t.Length != like.shape[0])
            throw new ArgumentException($"Expected one timestep per row of a batch-first tensor; got {t.Length} timesteps for shape [{string.Join(", ", like.shape)}].", nameof(t));
        foreach (long step in t)
            CheckTimestep(step, nameof(t));
    }

    private void CheckTimestep(long t, string name)
    {
        if (t < 0 || t >= Steps)
            throw new ArgumentOutOfRangeException(name, t, $"Timesteps must lie in [0, T) = [0, {Steps}).");
    }

    // One coefficient for every row of a batch-first tensor.
    private static double[] Uniform(double coefficient, Tensor rows) => Enumerable.Repeat(coefficient, (int)rows.shape[0]).ToArray();

    // The per-row timesteps of a step that every row takes together.
    private static long[] SameStep(int t, Tensor xt) => xt.dim() < 1
        ? throw new ArgumentException("Expected a batch-first tensor [B, ...].", nameof(xt))
        : Enumerable.Repeat((long)t, (int)xt.shape[0]).ToArray();

    private static ArgumentOutOfRangeException UnknownPrediction(DiffusionPrediction prediction) =>
        new(nameof(prediction), prediction, "Unknown diffusion prediction.");
}
