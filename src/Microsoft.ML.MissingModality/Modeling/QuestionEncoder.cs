using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// AVST's question encoder: word embedding → tanh → one-layer LSTM over all tokens → concat(h, c) of the last step →
/// tanh → Linear(2·hidden → hidden). Maps padded ids <c>[B, L]</c> (int64, 0 = padding) to q <c>[B, hidden]</c>.
/// Like AVST, the LSTM also reads the trailing padding (no packing), so the padded length is part of the model;
/// unlike AVST the padding row of the embedding is pinned to zero (<c>padding_idx = 0</c>), so padding carries no
/// learned signal.
/// </summary>
internal sealed class QuestionEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly LSTM lstm;
    private readonly Linear output;

    public QuestionEncoder(int vocabularySize, int embeddingSize, int hiddenSize) : base(nameof(QuestionEncoder))
    {
        VocabularySize = vocabularySize;
        embedding = nn.Embedding(vocabularySize, embeddingSize, padding_idx: 0);
        lstm = nn.LSTM(embeddingSize, hiddenSize, batchFirst: true);
        output = nn.Linear(2L * hiddenSize, hiddenSize);
        RegisterComponents();
    }

    public int VocabularySize { get; }

    /// <summary>Maps token ids <c>[B, L]</c> to q <c>[B, hidden]</c>.</summary>
    public override Tensor forward(Tensor tokens)
    {
        var words = embedding.forward(tokens).tanh();            // [B, L, emb]
        var (_, h, c) = lstm.forward(words);                     // h, c: [1, B, hidden]
        var state = cat([h[-1], c[-1]], 1);                      // [B, 2·hidden]
        return output.forward(state.tanh());
    }

    /// <summary>Sets the padding row of the embedding back to zero (after a re-initialisation).</summary>
    public void ZeroPaddingRow()
    {
        using var _ = no_grad();
        using var row = embedding.weight![0];
        row.zero_();
    }
}
