using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The AVST answer network (MUSIC-AVQA, CVPR 2022), the backbone of the missing-modality method: question encoder,
/// audio encoder, sound-aware spatial grounding, audio-visual matching head, question-guided temporal grounding of
/// audio and of visual segments, fusion and answer classifier. No ML.NET types: the options layer builds an
/// <see cref="AvstConfig"/>.
/// <para>
/// Besides <see cref="forward"/>, the stages are exposed because the missing-modality method re-runs the back half
/// with recalled or enhanced features: <see cref="EncodeQuestion(AvstBatch)"/> and <see cref="EncodeAudio"/> give q and the audio
/// feature f^a <c>[B, T, hidden]</c>; <see cref="Answer(Tensor, Tensor, Tensor)"/> takes f^a, a visual map f^v <c>[B, T, C, P]</c> and q.
/// </para>
/// <para>
/// Determinism: pass a <see cref="Generator"/> to initialise every parameter from it (see
/// <see cref="ParameterInitializer"/>); without one TorchSharp's global generator is used. Dropout in training mode
/// always draws from the global generator (TorchSharp's dropout takes none).
/// </para>
/// </summary>
internal sealed class AvstNetwork : nn.Module<AvstBatch, AvstOutput>
{
    private readonly nn.Module<Tensor, Tensor> question;
    private readonly AudioEncoder audio;
    private readonly SpatialGrounding spatial;
    private readonly AudioVisualMatchingHead matching;
    private readonly TemporalGrounding temporalAudio;
    private readonly TemporalGrounding temporalVisual;
    private readonly FusionHead fusion;

    public AvstNetwork(AvstConfig config, Generator? generator = null) : base(nameof(AvstNetwork))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        question = config.QuestionInput == QuestionInputKind.Tokens
            ? new QuestionEncoder(config.VocabularySize, config.WordEmbeddingSize, config.HiddenSize)
            : new QuestionProjection(config.QuestionVectorSize, config.HiddenSize);
        audio = new AudioEncoder(config.AudioDim, config.HiddenSize);
        spatial = new SpatialGrounding(config.VisualChannels, config.HiddenSize);
        matching = new AudioVisualMatchingHead(config.HiddenSize);
        temporalAudio = new TemporalGrounding(config.HiddenSize, config.AttentionHeads, config.FeedForwardWidth, config.Dropout);
        temporalVisual = new TemporalGrounding(config.HiddenSize, config.AttentionHeads, config.FeedForwardWidth, config.Dropout);
        fusion = new FusionHead(config.HiddenSize, config.AnswerCount);
        RegisterComponents();
        if (generator is not null)
        {
            ParameterInitializer.Initialize(this, generator);
            (question as QuestionEncoder)?.ZeroPaddingRow();
        }
    }

    public AvstConfig Config { get; }

    /// <summary>Answers a batch: encodes question and audio, then <see cref="Answer(Tensor, Tensor, Tensor)"/>.</summary>
    public override AvstOutput forward(AvstBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var q = EncodeQuestion(batch);
        var a = EncodeAudio(batch.Audio);
        return Answer(a, batch.Visual, q).MoveToOuterDisposeScope();
    }

    /// <summary>q <c>[B, hidden]</c> from the batch's tokens or question vector, whichever the config names.</summary>
    public Tensor EncodeQuestion(AvstBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (Config.QuestionInput == QuestionInputKind.Tokens)
            return EncodeQuestion(batch.QuestionTokens ?? throw new ArgumentException("This network reads question tokens; the batch has none.", nameof(batch)));
        return EncodeQuestion(batch.QuestionVector ?? throw new ArgumentException("This network reads question vectors; the batch has none.", nameof(batch)));
    }

    /// <summary>q <c>[B, hidden]</c> from int64 tokens <c>[B, L]</c> or float vectors <c>[B, qdim]</c>, whichever the config names.</summary>
    public Tensor EncodeQuestion(Tensor tokensOrVector)
    {
        ArgumentNullException.ThrowIfNull(tokensOrVector);
        if (Config.QuestionInput == QuestionInputKind.Tokens)
        {
            CheckTokens(tokensOrVector);
            return question.forward(tokensOrVector);
        }
        if (tokensOrVector.dim() != 2 || tokensOrVector.shape[1] != Config.QuestionVectorSize || !tokensOrVector.is_floating_point())
            throw new ArgumentException($"Question vectors must be float [B, {Config.QuestionVectorSize}]; got {tokensOrVector.dtype} [{Shape(tokensOrVector)}].", nameof(tokensOrVector));
        return question.forward(tokensOrVector);
    }

    /// <summary>The audio feature f^a <c>[B, T, hidden]</c> from raw audio <c>[B, T, AudioDim]</c>.</summary>
    public Tensor EncodeAudio(Tensor rawAudio)
    {
        ArgumentNullException.ThrowIfNull(rawAudio);
        if (rawAudio.dim() != 3 || rawAudio.shape[1] != Config.Segments || rawAudio.shape[2] != Config.AudioDim)
            throw new ArgumentException($"Audio must be [B, {Config.Segments}, {Config.AudioDim}]; got [{Shape(rawAudio)}].", nameof(rawAudio));
        return audio.forward(rawAudio);
    }

    /// <summary>
    /// The back half of AVST: grounds <paramref name="visual"/> <c>[B, T, C, P]</c> with <paramref name="encodedAudio"/>
    /// <c>[B, T, hidden]</c>, attends over both segment sequences from <paramref name="questionFeature"/> <c>[B, hidden]</c>,
    /// fuses and classifies.
    /// </summary>
    public AvstOutput Answer(Tensor encodedAudio, Tensor visual, Tensor questionFeature)
    {
        CheckAnswerInputs(encodedAudio, visual?.shape, questionFeature);
        return Answer(encodedAudio, questionFeature, () => spatial.forward(encodedAudio, visual!));
    }

    /// <summary><see cref="Answer(Tensor, Tensor, Tensor)"/> with the maps read where their rows are (<see cref="VisualMapRows"/>).</summary>
    public AvstOutput Answer(Tensor encodedAudio, VisualMapRows visual, Tensor questionFeature)
    {
        ArgumentNullException.ThrowIfNull(visual);
        CheckAnswerInputs(encodedAudio, visual.Shape, questionFeature);
        return Answer(encodedAudio, questionFeature, () => spatial.Ground(encodedAudio, visual));
    }

    private AvstOutput Answer(Tensor encodedAudio, Tensor questionFeature, Func<Tensor> ground)
    {
        using var scope = NewDisposeScope();
        var groundedVisual = ground();                                                       // [B, T, hidden]
        var logits = AttendAndClassify(encodedAudio, groundedVisual, questionFeature);
        // encodedAudio belongs to the caller: hand back an alias so disposing the output never frees the caller's tensor.
        return new AvstOutput(logits, encodedAudio.alias(), groundedVisual).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Answer(Tensor, Tensor, Tensor)"/> for several (audio, visual) pairs of the same questions, as Eq. 8 answers the real pair and
    /// its substitutes: each pair's map is grounded on its own (the maps are never copied), then the two temporal
    /// groundings and the fusion run once over the rows of all pairs — a third of their operations for three pairs,
    /// which is most of a step at small shapes. In eval mode the outputs equal separate <see cref="Answer(Tensor, Tensor, Tensor)"/> calls (a
    /// test); in training, dropout draws the masks of all rows in one call.
    /// </summary>
    public AvstOutput[] AnswerMany(IReadOnlyList<(Tensor EncodedAudio, Tensor Visual)> pairs, Tensor questionFeature)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
            throw new ArgumentException("At least one pair is needed.", nameof(pairs));
        foreach (var (encodedAudio, visual) in pairs)
            CheckAnswerInputs(encodedAudio, visual?.shape, questionFeature);
        using var scope = NewDisposeScope();
        var grounded = pairs.Select(p => spatial.forward(p.EncodedAudio, p.Visual)).ToArray();   // each [B, T, hidden]
        var logits = AttendAndClassify(cat(pairs.Select(p => p.EncodedAudio).ToArray(), 0), cat(grounded, 0),
            questionFeature.repeat(pairs.Count, 1));                                            // [n·B, answers]
        var perPair = logits.chunk(pairs.Count, 0);
        return pairs.Select((p, i) => new AvstOutput(perPair[i], p.EncodedAudio.alias(), grounded[i]).MoveToOuterDisposeScope()).ToArray();
    }

    // Question-guided temporal grounding of both segment sequences, fusion and the answer classifier: logits [B, answers].
    private Tensor AttendAndClassify(Tensor encodedAudio, Tensor groundedVisual, Tensor questionFeature)
    {
        var audioAttended = temporalAudio.forward(questionFeature, encodedAudio);           // [B, hidden]
        var visualAttended = temporalVisual.forward(questionFeature, groundedVisual);       // [B, hidden]
        return fusion.forward(
            audioAttended.Plus(encodedAudio.mean([1])),
            visualAttended.Plus(groundedVisual.mean([1])),
            questionFeature);
    }

    private void CheckAnswerInputs(Tensor encodedAudio, long[]? visual, Tensor questionFeature)
    {
        ArgumentNullException.ThrowIfNull(encodedAudio);
        ArgumentNullException.ThrowIfNull(visual);
        ArgumentNullException.ThrowIfNull(questionFeature);
        long batch = encodedAudio.shape[0];
        if (encodedAudio.dim() != 3 || encodedAudio.shape[1] != Config.Segments || encodedAudio.shape[2] != Config.HiddenSize)
            throw new ArgumentException($"Encoded audio must be [B, {Config.Segments}, {Config.HiddenSize}]; got [{Shape(encodedAudio)}].", nameof(encodedAudio));
        if (!visual.SequenceEqual([batch, Config.Segments, Config.VisualChannels, Config.VisualPositions]))
            throw new ArgumentException($"Visual features must be [{batch}, {Config.Segments}, {Config.VisualChannels}, {Config.VisualPositions}] (B, T, C, P=H·W); got [{string.Join(",", visual)}].", nameof(visual));
        if (questionFeature.dim() != 2 || questionFeature.shape[0] != batch || questionFeature.shape[1] != Config.HiddenSize)
            throw new ArgumentException($"The question feature must be [{batch}, {Config.HiddenSize}]; got [{Shape(questionFeature)}].", nameof(questionFeature));
    }

    /// <summary>
    /// The training loss of AVST: CE(logits, answers) + MatchingLossWeight × matching CE. <paramref name="answers"/> is
    /// int64 <c>[B]</c>; <paramref name="negatives"/> pairs each sample with another one of the batch
    /// (<see cref="DrawNegatives(IReadOnlyList{long}, Generator?)"/>); null leaves the matching term out.
    /// </summary>
    public Tensor Loss(AvstOutput output, Tensor answers, Tensor? negatives)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(answers);
        using var scope = NewDisposeScope();
        var loss = AnswerLoss(output, answers);
        if (negatives is not null && Config.MatchingLossWeight > 0)
            loss = loss.Plus(MatchingLoss(output, negatives).Times(Config.MatchingLossWeight));
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Loss(AvstOutput, Tensor, Tensor?)"/> with negatives drawn from <paramref name="generator"/>.</summary>
    public Tensor Loss(AvstOutput output, Tensor answers, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var negatives = DrawNegatives(output.Logits.shape[0], generator);
        return Loss(output, answers, negatives);
    }

    /// <summary>Cross-entropy of the answer logits against int64 class ids <c>[B]</c>.</summary>
    public Tensor AnswerLoss(AvstOutput output, Tensor answers)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.dtype != int64 || answers.dim() != 1 || answers.shape[0] != output.Logits.shape[0])
            throw new ArgumentException($"Answers must be int64 [{output.Logits.shape[0]}]; got {answers.dtype} [{Shape(answers)}].", nameof(answers));
        return nn.functional.cross_entropy(output.Logits, answers.to(output.Logits.device));
    }

    /// <summary>The audio-visual matching cross-entropy (0 for a batch of one); see <see cref="AudioVisualMatchingHead.Loss"/>.</summary>
    public Tensor MatchingLoss(AvstOutput output, Tensor negatives)
    {
        ArgumentNullException.ThrowIfNull(output);
        return matching.Loss(output.AudioSegments, output.VisualSegments, negatives);
    }

    /// <summary>Negative partners for a batch, never a sample itself; see <see cref="AudioVisualMatchingHead.DrawNegatives(long, Generator?)"/>.</summary>
    public static Tensor DrawNegatives(long batch, Generator? generator) => AudioVisualMatchingHead.DrawNegatives(batch, generator);

    /// <summary>Negative partners from other videos; see <see cref="AudioVisualMatchingHead.DrawNegatives(IReadOnlyList{long}, Generator?)"/>.</summary>
    public static Tensor DrawNegatives(IReadOnlyList<long> videoKeys, Generator? generator) => AudioVisualMatchingHead.DrawNegatives(videoKeys, generator);

    private void CheckTokens(Tensor tokens)
    {
        if (tokens.dtype != int64 || tokens.dim() != 2 || tokens.shape[1] < 1 || tokens.shape[1] > Config.MaxQuestionTokens)
            throw new ArgumentException($"Question tokens must be int64 [B, L] with 1 ≤ L ≤ {Config.MaxQuestionTokens}; got {tokens.dtype} [{Shape(tokens)}].", nameof(tokens));
        using var scope = NewDisposeScope();
        if (tokens.numel() > 0 && (tokens.min().item<long>() < 0 || tokens.max().item<long>() >= Config.VocabularySize))
            throw new ArgumentException($"Question token ids must lie in 0..{Config.VocabularySize - 1}.", nameof(tokens));
    }

    private static string Shape(Tensor t) => string.Join(",", t.shape);
}
