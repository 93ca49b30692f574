using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Baselines;
using Microsoft.ML.MissingModality.Joint;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Scenarios;

namespace Microsoft.ML.MissingModality;

/// <summary>
/// The library's entry point: <c>mlContext.MissingModality()</c> creates the estimators that make audio-visual
/// question answering robust to a missing audio or visual stream.
/// </summary>
/// <remarks>
/// Every estimator trains and scores on the device chosen from the context: <see cref="MLContext.GpuDeviceId"/>
/// (null means the CPU) and <see cref="MLContext.FallbackToCpu"/> (whether a missing GPU falls back to the CPU
/// instead of throwing <see cref="Training.GpuUnavailableException"/>).
/// </remarks>
public sealed class MissingModalityCatalog
{
    internal MissingModalityCatalog(MLContext context) => Context = context;

    internal MLContext Context { get; }

    /// <summary>
    /// A ridge-regression baseline that recalls one modality's features (<paramref name="targetColumnName"/>) from
    /// another's (<paramref name="inputColumnName"/>) into <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="outputColumnName">The column the recalled features are written to.</param>
    /// <param name="inputColumnName">The available modality: a known-size vector of Single.</param>
    /// <param name="targetColumnName">The modality to recall, read only when fitting: a known-size vector of Single.</param>
    /// <param name="l2Regularization">Ridge penalty per training row (see <see cref="LinearRecallOptions.L2Regularization"/>).</param>
    public LinearRecallEstimator LinearRecall(string outputColumnName, string inputColumnName, string targetColumnName, double l2Regularization = 1e-3) =>
        LinearRecall(new LinearRecallOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            TargetColumnName = targetColumnName,
            L2Regularization = l2Regularization,
        });

    /// <summary>The ridge-regression recall baseline, configured by <paramref name="options"/>.</summary>
    public LinearRecallEstimator LinearRecall(LinearRecallOptions options) => new(Context, options);

    /// <summary>
    /// The paper's relation-aware missing-modal (RMM) generator: learns, from the rows that have both modalities, to
    /// recall a missing audio stream from the picture and the question and a missing picture from the audio and the
    /// question. Adds <c>RecalledAudio</c> and <c>RecalledVisual</c>; a following <see cref="AvqaTrainer(AvqaTrainerOptions)"/>
    /// trains on the paper's Eq. 8 and answers rows with a missing modality from the recalled one.
    /// </summary>
    /// <param name="slots">Slots per memory (paper: 75).</param>
    /// <param name="questionColumnName">The question's word ids (see <see cref="FeaturizeQuestion"/>) or vectors.</param>
    /// <param name="epochs">Passes over the training rows.</param>
    public RmmGenerator RmmGenerator(int slots = 75, string questionColumnName = "QuestionTokens", int epochs = 20) =>
        RmmGenerator(new RmmGeneratorOptions { Slots = slots, QuestionColumnName = questionColumnName, Epochs = epochs });

    /// <summary>The RMM generator, configured by <paramref name="options"/>.</summary>
    public RmmGenerator RmmGenerator(RmmGeneratorOptions options) => new(Context, options);

    /// <summary>
    /// The paper's audio-visual relation-aware diffusion (AVR): a denoising diffusion model of real audio-visual pairs,
    /// trained on the rows that have both modalities (AVE loss), that takes each pair of a recaller's output and the
    /// real other modality through its reverse process. Put it after a recaller; adds the four enhanced columns that a
    /// following <see cref="AvqaTrainer(AvqaTrainerOptions)"/> trains Eq. 8 on and answers missing-modality rows from.
    /// </summary>
    /// <param name="diffusionSteps">T (paper: 10).</param>
    /// <param name="startStep">S: the step enhancement starts from (0: no noise added, all T steps, as the public code).</param>
    /// <param name="epochs">Passes over the training rows.</param>
    public AvrDiffusion AvrDiffusion(int diffusionSteps = 10, int startStep = 1, int epochs = 20) =>
        AvrDiffusion(new AvrDiffusionOptions { DiffusionSteps = diffusionSteps, StartStep = startStep, Epochs = epochs });

    /// <summary>The AVR diffusion, configured by <paramref name="options"/>.</summary>
    public AvrDiffusion AvrDiffusion(AvrDiffusionOptions options) => new(Context, options);

    /// <summary>
    /// The paper's joint training: the RMM generator, the AVR diffusion and the AVST answerer trained at once on
    /// L_total = L_avqa + λ1 L_rmmr + λ2 L_ave, the answer loss reaching the generator and the diffusion. Yields the
    /// staged pipeline's three transformers as one chain. Put it after the question and answer transforms.
    /// </summary>
    /// <param name="epochs">Passes over the training rows.</param>
    /// <param name="batchSize">Rows per step (the paper: 4; AVST: 64).</param>
    /// <param name="recallLossWeight">λ1, the weight of the generator's RMMR loss (the paper: 1).</param>
    /// <param name="diffusionLossWeight">λ2, the weight of the diffusion's AVE loss (the paper: 1).</param>
    public JointTrainer JointTrainer(int epochs = 30, int batchSize = 64, double recallLossWeight = 1, double diffusionLossWeight = 1) =>
        JointTrainer(new JointTrainerOptions { Epochs = epochs, BatchSize = batchSize, RecallLossWeight = recallLossWeight, DiffusionLossWeight = diffusionLossWeight });

    /// <summary>The joint training, configured by <paramref name="options"/> (see <see cref="JointTrainerOptions.Paper"/> for the paper's setting).</summary>
    public JointTrainer JointTrainer(JointTrainerOptions options) => new(Context, options);

    /// <summary>
    /// A simple recaller with the RMM generator's output contract (<c>RecalledAudio</c>, <c>RecalledVisual</c>): zero
    /// fill, the training mean, the nearest complete training video, or per-segment ridge regression.
    /// </summary>
    public RecallBaselineEstimator RecallBaseline(RecallMethod method) => RecallBaseline(new RecallBaselineOptions { Method = method });

    /// <summary>A simple recaller, configured by <paramref name="options"/>.</summary>
    public RecallBaselineEstimator RecallBaseline(RecallBaselineOptions options) => new(Context, options);

    /// <summary>
    /// Simulates a missing-modality condition (e.g. <c>MissingModalityScenario.Parse("audio")</c>, the paper's
    /// audio-missing setting) on feature data, deterministically per row for a given <paramref name="seed"/>.
    /// </summary>
    public MissingModalityScenarioEstimator SimulateMissingModality(MissingModalityScenario scenario, int seed = 0) =>
        SimulateMissingModality(new MissingModalityScenarioOptions { Scenario = scenario, Seed = seed });

    /// <summary>Simulates a missing-modality condition, configured by <paramref name="options"/>.</summary>
    public MissingModalityScenarioEstimator SimulateMissingModality(MissingModalityScenarioOptions options) => new(Context, options);

    /// <summary>
    /// The AVQA answerer: the AVST network trained on audio, visual and question features. Put it after the text
    /// transforms for the question (<c>TokenizeIntoWords</c>, <c>MapValueToKey</c>) and the answer (<c>MapValueToKey</c>).
    /// </summary>
    public AvqaTrainer AvqaTrainer(AvqaTrainerOptions options) => new(Context, options);

    /// <summary>The AVQA answerer with default options except the label and question columns and the epochs.</summary>
    public AvqaTrainer AvqaTrainer(string labelColumnName = "Label", string questionColumnName = "QuestionTokens", int epochs = 30) =>
        AvqaTrainer(new AvqaTrainerOptions { LabelColumnName = labelColumnName, QuestionColumnName = questionColumnName, Epochs = epochs });

    /// <summary>
    /// The question preprocessing of AVST as ML.NET transforms: lower-case, drop punctuation (the trailing "?"),
    /// split into words, and map words to keys (word ids; the dictionary is learned from the training questions,
    /// unseen words become key 0, the padding id).
    /// </summary>
    /// <param name="outputColumnName">The word-id column the AVQA trainer reads.</param>
    /// <param name="inputColumnName">The question text.</param>
    public IEstimator<ITransformer> FeaturizeQuestion(string outputColumnName = "QuestionTokens", string inputColumnName = "Question")
    {
        string normalized = outputColumnName + "Normalized", words = outputColumnName + "Words";
        return Context.Transforms.Text.NormalizeText(normalized, inputColumnName,
                Transforms.Text.TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: false, keepPunctuations: false, keepNumbers: true)
            .Append(Context.Transforms.Text.TokenizeIntoWords(words, normalized))
            .Append(Context.Transforms.Conversion.MapValueToKey(outputColumnName, words))
            .Append(Context.Transforms.DropColumns(normalized, words));
    }

    /// <summary>Maps the answer text to the key label the AVQA trainer learns (the dictionary comes from the training answers).</summary>
    public IEstimator<ITransformer> MapAnswerToLabel(string outputColumnName = "Label", string inputColumnName = "Answer") =>
        Context.Transforms.Conversion.MapValueToKey(outputColumnName, inputColumnName);

    /// <summary>
    /// A <see cref="PredictionEngine{TSrc, TDst}"/> that answers one <see cref="AvqaQuestion"/> at a time with a
    /// fitted pipeline (e.g. one loaded from a model zip): the feature columns take their shapes from
    /// <paramref name="inputSchema"/> (the schema <c>Model.Load</c> returns), and a pipeline that ends in
    /// <c>PredictedLabel</c> keys gets them mapped back to answer text.
    /// </summary>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema the pipeline was trained on.</param>
    /// <exception cref="ArgumentOutOfRangeException">The schema has no Audio or Visual vector column.</exception>
    public PredictionEngine<AvqaQuestion, AvqaAnswer> CreatePredictionEngine(ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var definition = Microsoft.ML.Data.SchemaDefinition.Create(typeof(AvqaQuestion));
        foreach (string vector in new[] { nameof(AvqaQuestion.Audio), nameof(AvqaQuestion.Visual) })
        {
            if (inputSchema.GetColumnOrNull(vector) is not { Type: VectorDataViewType { IsKnownSize: true } type })
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The input schema has no known-size vector column '{vector}'.");
            definition[vector].ColumnType = type;
        }
        var empty = Context.Data.LoadFromEnumerable(Array.Empty<AvqaQuestion>(), definition);
        var scored = model.GetOutputSchema(empty.Schema);
        if (scored.GetColumnOrNull(nameof(AvqaAnswer.PredictedAnswer)) is null && scored.GetColumnOrNull("PredictedLabel") is not null)
        {
            var toText = Context.Transforms.Conversion.MapKeyToValue(nameof(AvqaAnswer.PredictedAnswer), "PredictedLabel").Fit(model.Transform(empty));
            model = new TransformerChain<ITransformer>(model, toText);
        }
        return Context.Model.CreatePredictionEngine<AvqaQuestion, AvqaAnswer>(model, inputSchemaDefinition: definition);
    }
}
