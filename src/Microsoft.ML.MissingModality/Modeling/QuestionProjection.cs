using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The question path for precomputed question vectors: one Linear(QuestionVectorSize → hidden), <c>[B, qdim]</c> →
/// q <c>[B, hidden]</c>. Not in AVST (which always encodes words); it stands in for <see cref="QuestionEncoder"/> when
/// the data carries sentence embeddings instead of word ids.
/// </summary>
internal sealed class QuestionProjection : nn.Module<Tensor, Tensor>
{
    private readonly Linear projection;

    public QuestionProjection(int questionVectorSize, int hiddenSize) : base(nameof(QuestionProjection))
    {
        projection = nn.Linear(questionVectorSize, hiddenSize);
        RegisterComponents();
    }

    /// <summary>Maps question vectors <c>[B, qdim]</c> to q <c>[B, hidden]</c>.</summary>
    public override Tensor forward(Tensor questionVector) => projection.forward(questionVector);
}
