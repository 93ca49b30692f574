using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// Recalls a missing modality from the available one (and, for the RMM generator, the question): audio
/// <c>[B, T, A]</c> from visual maps <c>[B, T, C, P]</c>, and the reverse. Every recaller — the RMM generator and
/// the baselines — has this contract, so any of them can stand where RMM stands.
/// </summary>
internal interface IRecallModel
{
    /// <summary>Audio <c>[B, T, A]</c> recalled from visual maps <c>[B, T, C, P]</c>; <paramref name="question"/> as the config reads it, or null.</summary>
    Tensor RecallAudio(Tensor visual, Tensor? question);

    /// <summary>Visual maps <c>[B, T, C, P]</c> recalled from audio <c>[B, T, A]</c>.</summary>
    Tensor RecallVisual(Tensor audio, Tensor? question);

    /// <summary>Both recalls of one batch: what scoring needs. Recallers that can share work between them (RMM encodes the question once) override it.</summary>
    (Tensor Audio, Tensor Visual) RecallBoth(Tensor audio, Tensor visual, Tensor? question) =>
        (RecallAudio(visual, question), RecallVisual(audio, question));
}

/// <summary>Fits a recaller in one pass over the complete training rows (no gradient steps).</summary>
internal interface IRecallFitter
{
    /// <summary>Takes in a batch of complete rows: audio <c>[B, T, A]</c>, visual <c>[B, T, C, P]</c> and each row's video key.</summary>
    void Accumulate(Tensor audio, Tensor visual, IReadOnlyList<long> videoKeys);

    /// <summary>The fitted recaller, from what was accumulated; throws when nothing was.</summary>
    IRecallModel Complete();
}
