using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Avr;

/// <summary>
/// A fitted AVR diffusion. Adds the two enhanced pairs of the paper's Eq. 8, each split into an audio and a visual
/// column of the originals' shapes: (recalled audio, real picture) taken through the reverse process, wherever the
/// picture is present, and (real audio, recalled picture), wherever the audio is present; zeros where a pair cannot be
/// built. The noise is seeded per row from its content, so Transform gives the same values however rows are batched.
/// Scores in batches in <c>Transform</c>, row by row in prediction engines; saves with <c>MLContext.Model.Save</c>.
/// </summary>
public sealed class AvrTransformer : RowMappingTransformerBase, ILoadableTransformer<AvrTransformer>
{
    internal const string LoaderSignature = "AvrTransformer";
    private const string WeightsEntry = "AvrWeights";

    internal static readonly TransformerVersion FormatVersion =
        new(ModelSignature: "MMAVRDIF", VersionWritten: 0x00010001, OldestReadable: 0x00010001, LoaderSignature);

    static TransformerVersion ILoadableTransformer<AvrTransformer>.FormatVersion => FormatVersion;

    private readonly ConditionalWeakTable<DataViewRow, SingleRowScorer> _rowScorers = new();

    internal AvrTransformer(IHostEnvironment environment, FeatureBinding binding, AvrModelConfig config, AvrNetwork network,
        EnhancedPairColumns output, int batchSize)
        : base(environment, nameof(AvrTransformer))
    {
        Binding = binding;
        Config = config;
        Output = output;
        BatchSize = batchSize;
        Network = network;
        Device = MLContextDevice.Select(environment);
        Network.to(Device);
        Network.eval();
        Diffusion = new AudioVisualDiffusion(network, config.CreateScheduler(), config.Prediction);
    }

    /// <summary>T, the diffusion's steps.</summary>
    public int DiffusionSteps => Config.DiffusionSteps;

    /// <summary>S, where enhancement starts (0: no noise added, all T steps).</summary>
    public int StartStep => Config.StartStep;

    internal FeatureBinding Binding { get; }

    internal AvrModelConfig Config { get; }

    internal EnhancedPairColumns Output { get; }

    internal AvrNetwork Network { get; }

    internal AudioVisualDiffusion Diffusion { get; }

    internal int BatchSize { get; }

    internal torch.Device Device { get; }

    /// <summary>How the reverse process steps.</summary>
    public DiffusionSampler Sampler => Config.Sampler;

    /// <summary>Whether enhancement keeps the real part of each pair.</summary>
    public bool KeepRealModality => Config.KeepRealModality;

    /// <summary>
    /// The same fitted diffusion (shared weights) enhancing with other inference settings: they need no training
    /// again, so they can be studied or changed. An answerer trained on the enhanced pairs of one setting has seen only
    /// those.
    /// </summary>
    /// <param name="startStep">S in 0..<see cref="DiffusionSteps"/>.</param>
    /// <param name="sampler">DDPM or DDIM.</param>
    /// <param name="keepRealModality">Generate only the recalled part of each pair, keeping the real one.</param>
    /// <param name="clampOriginal">Clamp of each step's clean-pair estimate in standard deviations, or null.</param>
    public AvrTransformer WithEnhancement(int startStep, DiffusionSampler sampler, bool keepRealModality = false, double? clampOriginal = null)
    {
        if (startStep < 0 || startStep > DiffusionSteps)
            throw new ArgumentOutOfRangeException(nameof(startStep), startStep, $"Must lie in 0..{DiffusionSteps}.");
        if (clampOriginal is double c && !(c > 0 && double.IsFinite(c)))
            throw new ArgumentOutOfRangeException(nameof(clampOriginal), c, "Must be positive and finite, or null.");
        var config = Config with { StartStep = startStep, Sampler = sampler, KeepRealModality = keepRealModality, ClampOriginal = clampOriginal };
        return new(Environment, Binding, config, Network, Output, BatchSize);
    }

    /// <summary>
    /// A fitted model (any chain, nested or not) with every AVR diffusion in it enhancing in <paramref name="startStep"/>
    /// steps and its other settings kept — e.g. to measure accuracy against the enhancement steps without training again.
    /// </summary>
    /// <param name="model">A fitted model, such as one loaded from a model zip.</param>
    /// <param name="startStep">S in 0..T of each diffusion.</param>
    /// <exception cref="ArgumentException">The model holds no AVR diffusion.</exception>
    public static ITransformer WithEnhancementSteps(ITransformer model, int startStep)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool found = false;
        ITransformer Replace(ITransformer t)
        {
            switch (t)
            {
                case AvrTransformer avr:
                    found = true;
                    return avr.WithEnhancement(startStep, avr.Sampler, avr.KeepRealModality, avr.Config.ClampOriginal);
                case IEnumerable<ITransformer> chain: // a TransformerChain of any last-transformer type, as Fit and Load make
                    return new TransformerChain<ITransformer>([.. chain.Select(Replace)]);
                default:
                    return t;
            }
        }
        var replaced = Replace(model);
        return found ? replaced : throw new ArgumentException("The model holds no AVR diffusion.", nameof(model));
    }

    private protected override TransformerVersion Version => FormatVersion;

    private protected override int ScoringBatchSize => ScoringBatch.Rows(BatchSize, Binding);

    private protected override IReadOnlyList<string> InputColumnNames => Binding.ReadColumns;

    private protected override void ValidateInputSchema(DataViewSchema inputSchema) => Binding.CheckCompatible(inputSchema);

    private protected override DataViewSchema.DetachedColumn[] GetOutputColumns(DataViewSchema inputSchema)
    {
        var audio = new VectorDataViewType(NumberDataViewType.Single, Config.AudioDimensions);
        var visual = new VectorDataViewType(NumberDataViewType.Single, Config.VisualDimensions);
        return
        [
            new(Output.RecalledAudio, audio), new(Output.VisualWithRecalledAudio, visual),
            new(Output.AudioWithRecalledVisual, audio), new(Output.RecalledVisual, visual),
        ];
    }

    private protected override bool ScoresInBatches => true;

    private protected override IBatchScorer CreateBatchScorer(DataViewSchema inputSchema) => new AvrBatchScorer(this, ScoringBatchSize);

    private protected override Delegate MakeOutputGetter(DataViewRow input, int outputIndex) =>
        _rowScorers.GetValue(input, row => new SingleRowScorer(row, new AvrBatchScorer(this, capacity: 1))).MakeOutputGetter(outputIndex);

    private protected override void SaveCore(ModelWriter writer)
    {
        var w = writer.Writer;
        Binding.Write(w);
        Binding.WriteRecalled(w);
        w.Write(Config.ToJson());
        Output.Write(w);
        w.Write(BatchSize);
        writer.WriteModule(WeightsEntry, Network);
    }

    static AvrTransformer ILoadableTransformer<AvrTransformer>.Load(IHostEnvironment environment, ModelReader reader)
    {
        var r = reader.Reader;
        var binding = FeatureBinding.Read(r).ReadRecalled(r);
        var config = AvrModelConfig.FromJson(r.ReadString());
        var output = EnhancedPairColumns.Read(r);
        int batchSize = r.ReadInt32();
        var network = new AvrNetwork(config.ToNetworkConfig());
        reader.ReadModule(WeightsEntry, network);
        return new AvrTransformer(environment, binding, config, network, output, batchSize);
    }
}
