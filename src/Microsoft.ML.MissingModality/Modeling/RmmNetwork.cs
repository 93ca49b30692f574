using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The relation-aware missing-modal (RMM) generator of the paper (Sec. 3.1): three slot memories of L slots — visual
/// (a whole <c>[C, H·W]</c> map per slot), audio and question — addressed per segment by the available modality and
/// per row by the question (Eq. 1), the two addressings combined (Eq. 2, or a renormalised product), and the missing
/// modality read out as the weighted sum of its own slots. The slots are shared by both directions, so slot j holds
/// one audio-visual-question relation. Trained with the RMMR loss (Eqs. 3-4). No ML.NET types.
/// </summary>
internal sealed class RmmNetwork : nn.Module, IRecallModel
{
    private readonly nn.Module<Tensor, Tensor> question;
    private readonly Parameter visualSlots;
    private readonly Parameter audioSlots;
    private readonly Parameter questionSlots;
    // log of the inverse temperatures of the addressing by visual, audio and question slots (log, so that they stay positive)
    private readonly Parameter addressingLogScale;

    public RmmNetwork(RmmConfig config, Generator? generator = null) : base(nameof(RmmNetwork))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        question = config.QuestionInput == QuestionInputKind.Tokens
            ? new QuestionEncoder(config.VocabularySize, config.QuestionHiddenSize, config.QuestionHiddenSize)
            : new QuestionProjection(config.QuestionVectorSize, config.QuestionHiddenSize);
        visualSlots = nn.Parameter(zeros(config.Slots, config.VisualSlotSize));
        audioSlots = nn.Parameter(zeros(config.Slots, config.AudioDim));
        questionSlots = nn.Parameter(zeros(config.Slots, config.QuestionHiddenSize));
        using (Scalar logScale = Math.Log(config.AddressingScale))
            addressingLogScale = nn.Parameter(full(3, logScale), requires_grad: config.LearnAddressingScale);
        RegisterComponents();
        if (generator is not null)
        {
            ParameterInitializer.Initialize(question, generator);
            (question as QuestionEncoder)?.ZeroPaddingRow();
            using var _ = no_grad();
            // The public code's initialisation, N(0, 1); InitializeSlotsFromData replaces it before training.
            foreach (var slots in new[] { visualSlots, audioSlots, questionSlots })
                slots.normal_(0, 1, generator);
        }
    }

    public RmmConfig Config { get; }

    /// <summary>The generator's question feature <c>[B, QuestionHiddenSize]</c> from tokens <c>[B, L]</c> or vectors <c>[B, qdim]</c>.</summary>
    public Tensor EncodeQuestion(Tensor questionInput)
    {
        ArgumentNullException.ThrowIfNull(questionInput);
        return question.forward(questionInput);
    }

    public Tensor RecallAudio(Tensor visual, Tensor? questionInput)
    {
        using var scope = NewDisposeScope();
        var weights = Weights(visual.flatten(2), VisualKey, Question(questionInput, visual.shape[0]));
        return weights.matmul(audioSlots).MoveToOuterDisposeScope();                         // [B, T, A]
    }

    public Tensor RecallVisual(Tensor audio, Tensor? questionInput)
    {
        using var scope = NewDisposeScope();
        var weights = Weights(audio, AudioKey, Question(questionInput, audio.shape[0]));
        return weights.matmul(visualSlots)
            .view(audio.shape[0], audio.shape[1], Config.VisualChannels, Config.VisualPositions)
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Both recalls of complete rows in one pass (the question encoded once): audio <c>[B, T, A]</c> from the maps and
    /// maps <c>[B, T, C, P]</c> from the audio.
    /// </summary>
    public (Tensor Audio, Tensor Visual) RecallBoth(Tensor audio, Tensor visual, Tensor? questionInput)
    {
        using var scope = NewDisposeScope();
        var q = Question(questionInput, audio.shape[0]);
        var recalledAudio = Weights(visual.flatten(2), VisualKey, q).matmul(audioSlots);
        var recalledVisual = Weights(audio, AudioKey, q).matmul(visualSlots).view_as(visual);
        return (recalledAudio.MoveToOuterDisposeScope(), recalledVisual.MoveToOuterDisposeScope());
    }

    /// <summary>The current inverse temperatures of the addressing by visual, audio and question slots.</summary>
    public (double Visual, double Audio, double Question) AddressingScales
    {
        get
        {
            using var _ = no_grad();
            var scales = addressingLogScale.exp().cpu().data<float>().ToArray();
            return (scales[0], scales[1], scales[2]);
        }
    }

    private (Tensor Slots, int Scale) VisualKey => (visualSlots, 0);

    private (Tensor Slots, int Scale) AudioKey => (audioSlots, 1);

    /// <summary>
    /// The RMMR loss (Eqs. 3-4) of recalled features against the real ones: the mean squared error of the audio plus
    /// that of the visual maps, each averaged over its elements.
    /// </summary>
    public static Tensor ReconstructionLoss(Tensor recalledAudio, Tensor recalledVisual, Tensor audio, Tensor visual) =>
        nn.functional.mse_loss(recalledAudio, audio).Plus(nn.functional.mse_loss(recalledVisual, visual));

    /// <summary>
    /// Sets slot j to the audio, the visual map and the question feature of one (row, segment) of the given complete
    /// rows, drawn without replacement while there are enough: every slot starts as a real relation. Not in the paper
    /// (its code draws N(0, 1)); see docs/paper-fidelity.md.
    /// </summary>
    public void InitializeSlotsFromData(Tensor audio, Tensor visual, Tensor? questionInput, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long rows = audio.shape[0], segments = audio.shape[1], available = rows * segments;
        var order = randperm(available, generator: generator).to(audio.device);
        var picks = available >= Config.Slots ? order.narrow(0, 0, Config.Slots) : order.repeat((Config.Slots + available - 1) / available).narrow(0, 0, Config.Slots);
        var flatAudio = audio.reshape(available, Config.AudioDim);
        var flatVisual = visual.reshape(available, Config.VisualSlotSize);
        audioSlots.copy_(flatAudio.index_select(0, picks));
        visualSlots.copy_(flatVisual.index_select(0, picks));
        if (Question(questionInput, rows) is { } q)
            questionSlots.copy_(q.repeat_interleave(segments, 0).index_select(0, picks));     // a row's question, per segment
    }

    // Per segment: addressing by the available modality [B, T, L] times the row's question addressing [B, 1, L].
    private Tensor Weights(Tensor features, (Tensor Slots, int Scale) key, Tensor? q)
    {
        var byModality = Address(features, key.Slots, key.Scale);                           // [B, T, L]
        if (q is null)
            return byModality;
        var byQuestion = Address(q, questionSlots, 2).unsqueeze(1);                         // [B, 1, L]
        var joint = byModality * byQuestion;
        return Config.Combination == SlotCombination.SoftmaxOfProduct
            ? nn.functional.softmax(joint, -1)
            : joint / joint.sum(-1, keepdim: true).AtLeast(1e-30);
    }

    // Eq. 1: softmax over slots of a feature's score against each slot, times the addressing's inverse temperature.
    private Tensor Address(Tensor features, Tensor slots, int scale)
    {
        var scores = Config.Addressing == SlotAddressing.Cosine
            ? nn.functional.normalize(features, p: 2, dim: -1).matmul(nn.functional.normalize(slots, p: 2, dim: -1).t())
            : features.matmul(slots.t()).DividedBy(Math.Sqrt(slots.shape[1]));
        return nn.functional.softmax(scores * addressingLogScale[scale].exp(), -1);
    }

    private Tensor? Question(Tensor? questionInput, long rows)
    {
        if (questionInput is null)
            return null;
        var q = EncodeQuestion(questionInput);
        if (q.shape[0] != rows)
            throw new ArgumentException($"The question batch has {q.shape[0]} rows; the features have {rows}.", nameof(questionInput));
        return q;
    }
}
