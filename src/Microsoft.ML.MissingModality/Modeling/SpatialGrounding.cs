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
/// AVST has C = 512 = hidden, so positions enter as they are (the channel projection is an identity with no
/// parameters). When C ≠ hidden a Linear(C → hidden) maps each position first — an addition so that other backbones'
/// features and tiny test configs work. With pooled features (P = 1) the softmax is 1 and v_att is the single
/// position, normalised: degenerate but valid.
/// </para>
/// </summary>
internal sealed class SpatialGrounding : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> channelProjection;
    private readonly Linear combine;

    public SpatialGrounding(int visualChannels, int hiddenSize) : base(nameof(SpatialGrounding))
    {
        channelProjection = visualChannels == hiddenSize ? nn.Identity() : nn.Linear(visualChannels, hiddenSize);
        combine = nn.Linear(2L * hiddenSize, hiddenSize);
        RegisterComponents();
    }

    /// <summary>Grounds <paramref name="visual"/> <c>[B, T, C, P]</c> with <paramref name="audio"/> <c>[B, T, hidden]</c>.</summary>
    public override Tensor forward(Tensor audio, Tensor visual)
    {
        using var scope = NewDisposeScope();
        var positions = channelProjection.forward(visual.transpose(-1, -2));        // [B, T, P, hidden]
        var global = positions.mean([-2]);                                           // [B, T, hidden]
        var positionsUnit = nn.functional.normalize(positions, p: 2, dim: -1);
        var audioUnit = nn.functional.normalize(audio, p: 2, dim: -1).unsqueeze(-1); // [B, T, hidden, 1]
        var weights = positionsUnit.matmul(audioUnit).squeeze(-1).softmax(-1);       // [B, T, P]
        var attended = weights.unsqueeze(-2).matmul(positionsUnit).squeeze(-2);      // [B, T, hidden]
        return combine.forward(cat([global, attended], -1).tanh()).MoveToOuterDisposeScope();
    }
}
