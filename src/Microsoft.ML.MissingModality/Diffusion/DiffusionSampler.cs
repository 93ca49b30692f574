namespace Microsoft.ML.MissingModality;

/// <summary>How the AVR diffusion takes a pair back through the reverse process.</summary>
public enum DiffusionSampler
{
    /// <summary>
    /// DDPM ancestral sampling (Ho et al. 2020; the paper's Eq. 6): each step draws fresh noise of the posterior's
    /// variance. The noise is seeded per row, so a transform gives the same output every time.
    /// </summary>
    Ddpm,

    /// <summary>Deterministic DDIM steps (Song et al. 2021, η = 0): no noise after the start.</summary>
    Ddim,
}
