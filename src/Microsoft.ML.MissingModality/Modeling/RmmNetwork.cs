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

    /// <summary>
    /// The RMMR loss of complete rows, as <see cref="ReconstructionLoss"/> of <see cref="RecallBoth"/> gives it, and each
    /// row's recall cosine <c>[B]</c> (the mean over segments of the audio's and the map's cosine to the real ones, as
    /// RecallMetrics.Cosine gives them, halved), computed without recalling a single map.
    /// </summary>
    /// <remarks>
    /// A recalled map is <c>w·S</c>, w a segment's weights over the L slots and S the visual slots <c>[L, D]</c>, so
    /// everything the loss needs from it comes from two small products: ‖w S − m‖² = w G wᵀ − 2 w·p + ‖m‖², with the
    /// slots' Gram matrix G = S Sᵀ <c>[L, L]</c> and p = m Sᵀ, the real map against every slot — the same product the
    /// addressing of the audio memory by the maps scores. Training then reads each map three times (p, its norm, and
    /// p's gradient into S) where recalling the maps writes and reads several map-sized tensors (the recall, its
    /// error, their gradients, the normalised maps): at MUSIC-AVQA's shapes a map has 100,352 values and L is 75. The
    /// expanded square subtracts numbers far larger than the error it measures, so its terms are combined in double
    /// precision; p and G themselves are single-precision products. Recalled to an error of 1e-4 of the maps' mean
    /// square, the loss still agrees with the recalled maps' to 1 % (tests); at the errors the generator trains at, to
    /// float rounding.
    /// </remarks>
    public (Tensor Loss, Tensor Cosine) ReconstructionLossAndCosine(Tensor audio, Tensor visual, Tensor? questionInput)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(visual);
        using var scope = NewDisposeScope();
        var q = Question(questionInput, audio.shape[0]);
        var maps = visual.flatten(2);                                                       // [B, T, D]
        var products = maps.matmul(visualSlots.t());                                        // [B, T, L]: p of every segment
        var mapNorms = maps.norm(-1, keepdim: false, p: 2);                                 // [B, T]

        // The audio recalled from the maps, addressed by p scaled as Scores would scale it.
        var byMaps = Config.Addressing == SlotAddressing.Cosine
            ? products / (mapNorms.AtLeast(NormFloor).unsqueeze(-1) * visualSlots.norm(-1, keepdim: false, p: 2).AtLeast(NormFloor))
            : products.DividedBy(Math.Sqrt(maps.shape[2]));
        var recalledAudio = Combine(Address(byMaps, VisualKey.Scale), q).matmul(audioSlots);  // [B, T, A]

        // The maps recalled from the audio, through w, G and p only.
        var weights = Weights(audio, AudioKey, q).to_type(ScalarType.Float64);               // [B, T, L]
        var gram = visualSlots.matmul(visualSlots.t()).to_type(ScalarType.Float64);           // [L, L]
        var recalledSquares = (weights.matmul(gram) * weights).sum(-1);                      // ‖w S‖² [B, T]
        var dots = (weights * products.to_type(ScalarType.Float64)).sum(-1);                  // (w S)·m [B, T]
        var mapSquares = mapNorms.to_type(ScalarType.Float64).Squared();
        var visualLoss = recalledSquares.Plus(dots.Times(-2.0)).Plus(mapSquares).sum().DividedBy(maps.numel());
        var loss = nn.functional.mse_loss(recalledAudio, audio).Plus(visualLoss.to_type(ScalarType.Float32));

        Tensor cosine;
        using (no_grad())
        {
            // cosine_similarity's floor on each norm
            var visualCosine = dots / (recalledSquares.AtLeast(0).sqrt().AtLeast(CosineFloor) * mapSquares.sqrt().AtLeast(CosineFloor));
            cosine = nn.functional.cosine_similarity(recalledAudio, audio, dim: 2).mean([1]).Plus(visualCosine.mean([1]).to_type(ScalarType.Float32)).DividedBy(2);
        }
        return (loss.MoveToOuterDisposeScope(), cosine.MoveToOuterDisposeScope());
    }

    // nn.functional.normalize's and cosine_similarity's floors on a norm.
    private const double NormFloor = 1e-12;
    private const double CosineFloor = 1e-8;

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
    private Tensor Weights(Tensor features, (Tensor Slots, int Scale) key, Tensor? q) =>
        Combine(Address(Scores(features, key.Slots), key.Scale), q);

    private Tensor Combine(Tensor byModality, Tensor? q)
    {
        if (q is null)
            return byModality;
        var byQuestion = Address(Scores(q, questionSlots), 2).unsqueeze(1);                 // [B, 1, L]
        var joint = byModality * byQuestion;
        return Config.Combination == SlotCombination.SoftmaxOfProduct
            ? nn.functional.softmax(joint, -1)
            : joint / joint.sum(-1, keepdim: true).AtLeast(1e-30);
    }

    // Eq. 1's score of a feature against each slot, before the softmax: cosine, or the dot product over √d.
    private Tensor Scores(Tensor features, Tensor slots) => Config.Addressing == SlotAddressing.Cosine
        ? nn.functional.normalize(features, p: 2, dim: -1).matmul(nn.functional.normalize(slots, p: 2, dim: -1).t())
        : features.matmul(slots.t()).DividedBy(Math.Sqrt(slots.shape[1]));

    // Eq. 1: softmax over slots of the scores times the addressing's inverse temperature.
    private Tensor Address(Tensor scores, int scale) => nn.functional.softmax(scores * addressingLogScale[scale].exp(), -1);

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
