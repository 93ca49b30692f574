using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The three networks of a joint training as one module, so that the training loop moves, snapshots and restores
/// them together (the best epoch is the best of all three at once). Holds the networks; owns none of them.
/// </summary>
internal sealed class JointNetworks : nn.Module
{
    public JointNetworks(RmmNetwork recall, AvrNetwork? diffusion, AvstNetwork answerer) : base(nameof(JointNetworks))
    {
        Recall = recall;
        Diffusion = diffusion;
        Answerer = answerer;
        register_module("recall", recall);
        if (diffusion is not null)
            register_module("diffusion", diffusion);
        register_module("answerer", answerer);
    }

    public RmmNetwork Recall { get; }

    public AvrNetwork? Diffusion { get; }

    public AvstNetwork Answerer { get; }
}
