using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// AVST's fusion and answer classifier: f = Linear(2·hidden → hidden)(tanh(cat(audio, visual))), then
/// logits = Linear(hidden → answers)(tanh(f ⊙ q)). The inputs are the per-modality summaries
/// a_att + mean_T a and v_att + mean_T v, formed by <see cref="AvstNetwork"/>.
/// </summary>
internal sealed class FusionHead : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear fusion;
    private readonly Linear answer;

    public FusionHead(int hiddenSize, int answerCount) : base(nameof(FusionHead))
    {
        fusion = nn.Linear(2L * hiddenSize, hiddenSize);
        answer = nn.Linear(hiddenSize, answerCount);
        RegisterComponents();
    }

    /// <summary>Answer logits <c>[B, answers]</c> from audio and visual summaries and q, each <c>[B, hidden]</c>.</summary>
    public override Tensor forward(Tensor audio, Tensor visual, Tensor question)
    {
        using var scope = NewDisposeScope();
        var fused = fusion.forward(cat([audio, visual], -1).tanh());
        return answer.forward(fused.mul(question).tanh()).MoveToOuterDisposeScope();
    }
}
