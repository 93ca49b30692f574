using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// What <see cref="AvstNetwork"/> computes for a batch: answer <see cref="Logits"/> <c>[B, answers]</c> and the
/// per-segment features the matching loss needs, encoded audio a (<see cref="AudioSegments"/>) and grounded visual v
/// (<see cref="VisualSegments"/>), both <c>[B, T, hidden]</c>. Disposing it disposes the three tensors; inside a
/// dispose scope that is not needed.
/// </summary>
internal sealed record AvstOutput(Tensor Logits, Tensor AudioSegments, Tensor VisualSegments) : IDisposable
{
    /// <summary>Moves the three tensors to the enclosing dispose scope and returns this output.</summary>
    public AvstOutput MoveToOuterDisposeScope()
    {
        Logits.MoveToOuterDisposeScope();
        AudioSegments.MoveToOuterDisposeScope();
        VisualSegments.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Logits.Dispose();
        AudioSegments.Dispose();
        VisualSegments.Dispose();
    }
}
