using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// AVST's sound-aware spatial grounding, per segment. Visual input is <c>[B, T, C, P]</c>: channels, then the P = H·W
/// positions in row-major order. For each segment: v_glob = mean of the map over P; the audio vector and every position
/// are L2-normalised, their cosine similarities go through a softmax over P (no temperature), and v_att is the
/// softmax-weighted sum of the <em>normalised</em> positions (as the public code does); finally
/// v = Linear(2·hidden → hidden)(tanh(cat(v_glob, v_att))). Output <c>[B, T, hidden]</c>.
/// <para>
/// AVST has C = 512 = hidden, so positions and audio meet as they are (both projections are identities with no
/// parameters). When C ≠ hidden — other backbones' features, the synthetic presets, tiny test configs — the audio
/// query is mapped into the visual space (Linear(hidden → C)) and v_glob and v_att are mapped out of it afterwards
/// (a shared Linear(C → hidden)). Projecting the query rather than every position keeps the cost at
/// O(B·T·P·C) instead of O(B·T·P·hidden): a 64-channel 7×7 map at hidden 512 would otherwise build a tensor 8× larger
/// than the input on every step. With pooled features (P = 1) the softmax is 1 and v_att is the single position,
/// normalised: degenerate but valid.
/// </para>
/// </summary>
internal sealed class SpatialGrounding : nn.Module<Tensor, Tensor, Tensor>
{
    internal const float NormFloor = 1e-12f;

    private readonly nn.Module<Tensor, Tensor> queryProjection;
    private readonly nn.Module<Tensor, Tensor> outputProjection;
    private readonly Linear combine;

    public SpatialGrounding(int visualChannels, int hiddenSize) : base(nameof(SpatialGrounding))
    {
        bool same = visualChannels == hiddenSize;
        queryProjection = same ? nn.Identity() : nn.Linear(hiddenSize, visualChannels);
        outputProjection = same ? nn.Identity() : nn.Linear(visualChannels, hiddenSize);
        combine = nn.Linear(2L * hiddenSize, hiddenSize);
        RegisterComponents();
    }

    /// <summary>Grounds <paramref name="visual"/> <c>[B, T, C, P]</c> with <paramref name="audio"/> <c>[B, T, hidden]</c>.</summary>
    public override Tensor forward(Tensor audio, Tensor visual) =>
        Ground(audio, query => FusedGrounding.Supports(query, visual)
            ? Split(FusedGrounding.Pool(query, visual, NormFloor))
            : PoolWithLibtorch(query, visual));

    /// <summary><see cref="forward"/> over maps read where their rows are (copied into a tensor only off the fused path).</summary>
    public Tensor Ground(Tensor audio, VisualMapRows visual) =>
        Ground(audio, query => FusedGrounding.Supports(query, visual)
            ? Split(FusedGrounding.Pool(query, visual, NormFloor))
            : PoolWithLibtorch(query, visual.ToTensor().to(query.device)));

    // The query from the audio, the pooling given, then the output: [B, T, hidden].
    private Tensor Ground(Tensor audio, Func<Tensor, (Tensor Attended, Tensor Global)> pool)
    {
        using var scope = NewDisposeScope();
        var query = nn.functional.normalize(queryProjection.forward(audio), p: 2, dim: -1);       // [B, T, C]
        var (attended, global) = pool(query);
        var both = cat([outputProjection.forward(global), outputProjection.forward(attended)], -1);
        return combine.forward(both.tanh()).MoveToOuterDisposeScope();
    }

    private static (Tensor Attended, Tensor Global) Split(Tensor pooled) => (pooled.select(-2, 0), pooled.select(-2, 1));

    // v_att and v_glob [B, T, C] with libtorch's operations, for maps that need a gradient or live on a GPU. Computed in
    // the input's own [B, T, C, P] layout, never materialising normalised copies of the map: the cosine weights are
    // (q · v_p) / ‖v_p‖, and v_att = Σ_p w_p v_p / ‖v_p‖ (same maths as normalising first). The map is read three times
    // forward: for the norms, by the query, and by a single product with two columns that yields v_att and v_glob (the
    // mean is the column of 1/P).
    internal static (Tensor Attended, Tensor Global) PoolWithLibtorch(Tensor query, Tensor visual)
    {
        int positions = (int)visual.shape[^1];
        using Scalar floor = NormFloor;
        var norms = visual.norm(-2, keepdim: false, p: 2).clamp_min(floor);                      // [B, T, P]
        var weights = (query.unsqueeze(-2).matmul(visual).squeeze(-2) / norms).softmax(-1);      // [B, T, P]
        using Scalar inversePositions = 1.0 / positions;
        var mean = full_like(weights, inversePositions);
        var pooled = visual.matmul(stack([weights / norms, mean], -1));                          // [B, T, C, 2]
        return (pooled.select(-1, 0), pooled.select(-1, 1));
    }
}
