using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Rmm;

namespace Microsoft.ML.MissingModality.Joint;

/// <summary>
/// Options of <see cref="JointTrainer"/>: the paper's total loss L_total = L_avqa + λ1 L_rmmr + λ2 L_ave (Sec. 3.3)
/// over the RMM generator, the AVR diffusion and the AVST answerer at once. The schedule (epochs, batch, Adam, step
/// decay, validation, early stopping, seed, progress) and the input columns are these options'; the networks' shapes
/// and the output columns are those of <see cref="Recall"/>, <see cref="Diffusion"/> and <see cref="Answerer"/> (their
/// own schedules are not used). The default constructor is <see cref="AvstDefaults"/>; <see cref="Paper"/> is the
/// paper's setting.
/// </summary>
public sealed class JointTrainerOptions : TorchComponentOptions
{
    /// <summary>Creates the options with AVST's schedule (see <see cref="AvstDefaults"/>).</summary>
    public JointTrainerOptions()
    {
    }

    /// <summary>
    /// AVST's schedule for all three networks: batch 64, Adam 1e-4 with ×0.1 every 8 epochs, 30 epochs; λ1 = λ2 = 1;
    /// the answer loss reaches the generator and the diffusion.
    /// </summary>
    public static JointTrainerOptions AvstDefaults() => new();

    /// <summary>
    /// The paper's training (Sec. 4.1 and 3.3): batch 4, Adam 1e-4 for all three networks, λ1 = λ2 = 1, the answer
    /// loss reaching the generator and the diffusion; other settings as <see cref="AvstDefaults"/>.
    /// </summary>
    public static JointTrainerOptions Paper() => new() { BatchSize = 4, LearningRate = 1e-4 };

    /// <summary>The RMM generator's shape and output columns (slots, addressing, question width, recalled column names).</summary>
    /// <value>Default: <see cref="RmmGeneratorOptions"/>'s defaults.</value>
    public RmmGeneratorOptions Recall { get; set; } = new();

    /// <summary>
    /// The AVR diffusion's shape, schedule of noise and enhancement (T, S, sampler) and output columns; null trains the
    /// generator and the answerer only (the paper's "RMM only").
    /// </summary>
    /// <value>Default: <see cref="AvrDiffusionOptions"/>'s defaults.</value>
    public AvrDiffusionOptions? Diffusion { get; set; } = new();

    /// <summary>The answerer's shape, its label and video columns, and Eq. 8's recalled-term weight.</summary>
    /// <value>Default: <see cref="AvqaTrainerOptions"/>'s defaults.</value>
    public AvqaTrainerOptions Answerer { get; set; } = new();

    /// <summary>λ1, the weight of the generator's RMMR loss in the total loss.</summary>
    /// <value>Default: 1 (the paper).</value>
    public double RecallLossWeight { get; set; } = 1;

    /// <summary>λ2, the weight of the diffusion's AVE loss in the total loss.</summary>
    /// <value>Default: 1 (the paper).</value>
    public double DiffusionLossWeight { get; set; } = 1;

    /// <summary>
    /// Whether the answer loss's gradient reaches the generator (through the recalled features, and through the
    /// diffusion when there is one). False stops it at the recalled features: the generator learns from RMMR alone.
    /// </summary>
    /// <value>Default: true (the paper).</value>
    public bool AnswerLossReachesRecall { get; set; } = true;

    /// <summary>
    /// Whether the answer loss's gradient reaches the diffusion's parameters. False: the diffusion learns from AVE
    /// alone (the gradient still passes through it to the generator when <see cref="AnswerLossReachesRecall"/>).
    /// </summary>
    /// <value>Default: true (the paper).</value>
    public bool AnswerLossReachesDiffusion { get; set; } = true;

    /// <summary>The generator's learning rate; null: <see cref="TorchComponentOptions.LearningRate"/> (the paper: one rate for all).</summary>
    /// <value>Default: null.</value>
    public double? RecallLearningRate { get; set; }

    /// <summary>The diffusion's learning rate; null: <see cref="TorchComponentOptions.LearningRate"/>.</summary>
    /// <value>Default: null.</value>
    public double? DiffusionLearningRate { get; set; }

    internal override void Validate()
    {
        base.Validate();
        ArgumentNullException.ThrowIfNull(Recall, nameof(Recall));
        ArgumentNullException.ThrowIfNull(Answerer, nameof(Answerer));
        Recall.Validate();
        Diffusion?.Validate();
        Answerer.Validate();
        foreach (var (name, value) in new[] { (nameof(RecallLossWeight), RecallLossWeight), (nameof(DiffusionLossWeight), DiffusionLossWeight) })
        {
            if (!(value >= 0) || !double.IsFinite(value))
                throw new ArgumentOutOfRangeException(name, value, "Must be a non-negative finite number.");
        }
        foreach (var (name, value) in new[] { (nameof(RecallLearningRate), RecallLearningRate), (nameof(DiffusionLearningRate), DiffusionLearningRate) })
        {
            if (value is double rate && (!(rate > 0) || !double.IsFinite(rate)))
                throw new ArgumentOutOfRangeException(name, rate, "Must be a positive finite number, or null for LearningRate.");
        }
    }
}
