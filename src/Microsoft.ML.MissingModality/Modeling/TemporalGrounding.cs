using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// AVST's question-guided temporal grounding for one modality: multi-head attention with q <c>[B, hidden]</c> as the
/// single query over the T segment features <c>[B, T, hidden]</c> (keys = values), then the residual feed-forward block
/// of the public code: x = Attn(q, S, S); x = LayerNorm(x + Dropout(FFN(x))) with FFN = Linear(hidden → ffn) → ReLU →
/// Dropout → Linear(ffn → hidden). As in the public code there is no residual from q around the attention (the fusion
/// adds the segment mean instead), and dropout also acts on the attention weights. The attention is written out
/// (separate q/k/v/output projections, scaled dot product) rather than using nn.MultiheadAttention, so the state-dict
/// keys are readable and the computation is visible; it equals PyTorch's MultiheadAttention with bias.
/// </summary>
internal sealed class TemporalGrounding : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Dropout attentionDropout;
    private readonly Linear output;
    private readonly Linear feedForwardIn;
    private readonly Dropout feedForwardDropout;
    private readonly Linear feedForwardOut;
    private readonly Dropout residualDropout;
    private readonly LayerNorm norm;

    public TemporalGrounding(int hiddenSize, int heads, int feedForwardSize, double dropout) : base(nameof(TemporalGrounding))
    {
        if (hiddenSize % heads != 0)
            throw new ArgumentException($"Heads ({heads}) must divide the hidden size ({hiddenSize}).", nameof(heads));
        Heads = heads;
        query = nn.Linear(hiddenSize, hiddenSize);
        key = nn.Linear(hiddenSize, hiddenSize);
        value = nn.Linear(hiddenSize, hiddenSize);
        attentionDropout = nn.Dropout(dropout);
        output = nn.Linear(hiddenSize, hiddenSize);
        feedForwardIn = nn.Linear(hiddenSize, feedForwardSize);
        feedForwardDropout = nn.Dropout(dropout);
        feedForwardOut = nn.Linear(feedForwardSize, hiddenSize);
        residualDropout = nn.Dropout(dropout);
        norm = nn.LayerNorm(hiddenSize);
        RegisterComponents();
    }

    public int Heads { get; }

    /// <summary>Attends from <paramref name="question"/> <c>[B, hidden]</c> over <paramref name="segments"/> <c>[B, T, hidden]</c>; returns <c>[B, hidden]</c>.</summary>
    public override Tensor forward(Tensor question, Tensor segments)
    {
        using var scope = NewDisposeScope();
        long batch = segments.shape[0], steps = segments.shape[1], hidden = segments.shape[2];
        long headSize = hidden / Heads;
        var q = query.forward(question).view(batch, Heads, 1, headSize);                           // [B, H, 1, d]
        var k = key.forward(segments).view(batch, steps, Heads, headSize).transpose(1, 2);          // [B, H, T, d]
        var v = value.forward(segments).view(batch, steps, Heads, headSize).transpose(1, 2);        // [B, H, T, d]
        var weights = q.matmul(k.transpose(-1, -2)).DividedBy(Math.Sqrt(headSize)).softmax(-1);    // [B, H, 1, T]
        var attended = attentionDropout.forward(weights).matmul(v).reshape(batch, hidden);          // [B, hidden]
        var x = output.forward(attended);
        var ffn = feedForwardOut.forward(feedForwardDropout.forward(nn.functional.relu(feedForwardIn.forward(x))));
        return norm.forward(x.Plus(residualDropout.forward(ffn))).MoveToOuterDisposeScope();
    }
}
