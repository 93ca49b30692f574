namespace Microsoft.ML.MissingModality;

/// <summary>
/// How the noise variances β_1..β_T of the forward process grow. The schedule decides how fast a feature is drowned in
/// noise: with few steps (the paper's T = 10) a linear schedule destroys the signal in the first steps, which is why the
/// public code of the AVQA paper uses the sigmoid one.
/// </summary>
public enum BetaSchedule
{
    /// <summary>
    /// Ho et al. 2020 (DDPM): β evenly spaced from 1e-4 to 0.02 over 1,000 steps; for other step counts both ends are
    /// scaled by 1000/T, so that the total noise added stays about the same.
    /// </summary>
    Linear,

    /// <summary>
    /// Nichol &amp; Dhariwal 2021: ᾱ(t) = cos²(((t/T + s)/(1 + s))·π/2) with s = 0.008, β clipped to 0.999; adds noise
    /// slowly at both ends of the chain.
    /// </summary>
    Cosine,

    /// <summary>
    /// Jabri et al. 2022: ᾱ(t) follows a decreasing sigmoid of t/T·6 − 3 (start −3, end 3, τ = 1), β clipped to 0.999;
    /// the AVQA paper's public code uses it.
    /// </summary>
    Sigmoid,
}
