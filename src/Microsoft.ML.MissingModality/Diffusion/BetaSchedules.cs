namespace Microsoft.ML.MissingModality.Diffusion;

/// <summary>
/// The noise variances β_t, t = 0..T−1, of each <see cref="BetaSchedule"/>, in double precision: the cumulative
/// products ᾱ_t of 1 − β_t lose digits fast in single precision, and they are computed once.
/// </summary>
internal static class BetaSchedules
{
    /// <summary>DDPM's first β at 1,000 steps (Ho et al. 2020, Sec. 4).</summary>
    public const double DdpmBetaStart = 1e-4;

    /// <summary>DDPM's last β at 1,000 steps.</summary>
    public const double DdpmBetaEnd = 0.02;

    /// <summary>The step count that DDPM's linear ends are given for.</summary>
    public const int DdpmSteps = 1000;

    /// <summary>
    /// The largest β the cosine and sigmoid schedules keep: at the last step their ᾱ falls to 0 and β = 1 − ᾱ_t/ᾱ_{t−1}
    /// would reach 1, leaving nothing of x_0 to recover (Nichol &amp; Dhariwal 2021, Sec. 3.2).
    /// </summary>
    public const double MaxBeta = 0.999;

    /// <summary>The cosine schedule's offset s, which keeps β_0 from being vanishingly small (Nichol &amp; Dhariwal 2021).</summary>
    public const double CosineOffset = 0.008;

    /// <summary>The sigmoid schedule's range and temperature (Jabri et al. 2022; the AVQA public code's values).</summary>
    public const double SigmoidStart = -3, SigmoidEnd = 3, SigmoidTau = 1;

    /// <summary>The betas of <paramref name="schedule"/> over <paramref name="steps"/> steps.</summary>
    /// <param name="schedule">The schedule kind.</param>
    /// <param name="steps">T, at least 1 (checked by the caller).</param>
    /// <param name="betaStart">Linear only: the first β, used as given; null for DDPM's, rescaled to T.</param>
    /// <param name="betaEnd">Linear only: the last β, used as given; null for DDPM's, rescaled to T.</param>
    public static double[] For(BetaSchedule schedule, int steps, double? betaStart, double? betaEnd)
    {
        if (schedule != BetaSchedule.Linear && (betaStart is not null || betaEnd is not null))
            throw new ArgumentException($"betaStart and betaEnd apply to the {BetaSchedule.Linear} schedule only; the {schedule} schedule has none.");
        return schedule switch
        {
            BetaSchedule.Linear => Linear(steps, betaStart, betaEnd),
            BetaSchedule.Cosine => FromAlphaBar(steps, Cosine),
            BetaSchedule.Sigmoid => FromAlphaBar(steps, Sigmoid),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "Unknown beta schedule."),
        };
    }

    /// <summary>
    /// β evenly spaced from start to end. DDPM's ends 1e-4..0.02 hold for T = 1,000; for another T both are scaled by
    /// 1000/T (the rescaling of Nichol &amp; Dhariwal 2021's code), so that Σβ, and with it how noisy x_T is, stays
    /// about the same. That needs T &gt; 20, else the last β reaches 1.
    /// </summary>
    private static double[] Linear(int steps, double? betaStart, double? betaEnd)
    {
        double scale = (double)DdpmSteps / steps;
        double start = betaStart ?? scale * DdpmBetaStart;
        double end = betaEnd ?? scale * DdpmBetaEnd;
        if (!(start > 0 && start <= end))
            throw new ArgumentException($"A linear schedule needs 0 < betaStart <= betaEnd; got betaStart {start} and betaEnd {end}.");
        if (!(end < 1))
        {
            throw new ArgumentException(betaEnd is null
                ? $"The DDPM linear schedule rescaled to {steps} steps would end at beta {end} (it needs more than 20 steps); pass betaStart and betaEnd, or use the cosine or sigmoid schedule."
                : $"betaEnd must be below 1; got {end}.");
        }
        var betas = new double[steps];
        for (int t = 0; t < steps; t++)
            betas[t] = steps == 1 ? start : start + (end - start) * t / (steps - 1);
        return betas;
    }

    /// <summary>The continuous cosine ᾱ(τ) at τ = t/T ∈ [0, 1], before normalising by ᾱ(0).</summary>
    private static double Cosine(double tau)
    {
        double angle = (tau + CosineOffset) / (1 + CosineOffset) * Math.PI / 2;
        return Math.Cos(angle) * Math.Cos(angle);
    }

    /// <summary>
    /// The continuous sigmoid ᾱ(τ) at τ = t/T ∈ [0, 1], before normalising by ᾱ(0): σ of the line from start to end,
    /// reversed and mapped so that it falls from 1 to 0 over [start, end].
    /// </summary>
    private static double Sigmoid(double tau)
    {
        double low = Logistic(SigmoidStart / SigmoidTau), high = Logistic(SigmoidEnd / SigmoidTau);
        return (high - Logistic((tau * (SigmoidEnd - SigmoidStart) + SigmoidStart) / SigmoidTau)) / (high - low);
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// Betas from a continuous ᾱ(τ): ᾱ_t = ᾱ((t + 1)/T)/ᾱ(0) and β_t = 1 − ᾱ_t/ᾱ_{t−1}, clipped to [0, <see cref="MaxBeta"/>]
    /// (Nichol &amp; Dhariwal 2021, Eq. 17).
    /// </summary>
    private static double[] FromAlphaBar(int steps, Func<double, double> alphaBar)
    {
        var betas = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            double beta = 1 - alphaBar((t + 1.0) / steps) / alphaBar((double)t / steps);
            betas[t] = Math.Clamp(beta, 0, MaxBeta);
        }
        return betas;
    }
}
