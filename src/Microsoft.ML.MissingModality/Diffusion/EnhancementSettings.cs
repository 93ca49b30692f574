namespace Microsoft.ML.MissingModality.Diffusion;

/// <summary>
/// How <see cref="AudioVisualDiffusion.Enhance(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, EnhancementSettings, RealPart, IReadOnlyList{TorchSharp.torch.Generator})"/> takes a pair through the reverse process.
/// </summary>
/// <param name="StartStep">S in 0..T: with S &gt; 0 the pair is noised to step S and denoised through S steps; with S = 0 it is taken through all T steps un-noised (the public code).</param>
/// <param name="Sampler">DDPM (noise at every step) or DDIM (deterministic).</param>
/// <param name="ClampOriginal">Clamps each step's estimate of the clean pair to [−c, c] standard deviations; null: no clamp.</param>
/// <param name="KeepRealModality">
/// Replaces the real part of the pair after every step by the real features noised to that step, so that only the
/// recalled part is generated, conditioned on the real one (inpainting by replacement); the real part comes out as
/// it went in. False: both parts are denoised, as the paper does.
/// </param>
internal sealed record EnhancementSettings(int StartStep, DiffusionSampler Sampler, double? ClampOriginal = null, bool KeepRealModality = false);

/// <summary>Which part of a pair is the real modality (the other one recalled).</summary>
internal enum RealPart
{
    Audio,
    Visual,
}
