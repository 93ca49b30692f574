namespace Microsoft.ML.MissingModality;

/// <summary>
/// What the denoiser network is trained to output for a noisy input x_t. Both determine the same estimate of the
/// clean input x̂_0; they differ in how the errors of the network are weighted across steps.
/// </summary>
public enum DiffusionPrediction
{
    /// <summary>The added noise ε (Ho et al. 2020, and the AVQA paper's Eq. 7).</summary>
    Noise,

    /// <summary>
    /// The velocity v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0 (Salimans &amp; Ho 2022), the AVQA paper's public code: stays well
    /// conditioned at the last steps, where ᾱ_t is near 0 and recovering x_0 from ε would divide by √ᾱ_t.
    /// </summary>
    Velocity,
}
