using TorchSharp;
using static TorchSharp.torch;
using AdamModule = TorchSharp.Modules.Adam;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// TorchSharp's Adam, the same operations in the same order, with every scalar argument held in a local
/// <see cref="Scalar"/> until the operation has returned; on the CPU the update runs fused, in one pass over each
/// parameter's memory (<see cref="FusedAdamUpdate"/>: the same arithmetic, equal up to float rounding).
/// </summary>
/// <remarks>
/// TorchSharp 0.107's Adam passes doubles where libtorch takes a Scalar (<c>mul_(beta1)</c>, <c>add_(grad, alpha: 1 -
/// beta1)</c>, ...): each becomes a temporary whose only reference dies once its handle is read, so a garbage
/// collection started by another thread during the native call can let the finalizer free it mid-call — libtorch then
/// fails with "Expected false to be true" at c10/core/Scalar.h. That is about seven temporaries per parameter per step,
/// the most of any code path in training. Weight decay, AMSGrad and maximising are never used here and are refused.
/// </remarks>
internal sealed class HeldScalarAdam : AdamModule
{
    public HeldScalarAdam(IEnumerable<ParamGroup> groups, double learningRate) : base(groups, learningRate)
    {
    }

    /// <summary>
    /// Whether CPU parameters take the fused update (the default); false runs libtorch's operations for every parameter,
    /// bit for bit TorchSharp's Adam (the tests' and the benchmark's reference).
    /// </summary>
    public bool Fuse { get; init; } = true;

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(Update, closure);

    private void Update(ParamGroup group)
    {
        var options = (Options)group.Options;
        if (options.weight_decay is not (null or 0) || options.amsgrad == true || options.maximize == true)
            throw new NotSupportedException("Weight decay, AMSGrad and maximize are not supported.");
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, learningRate = options.LearningRate!.Value;
        using Scalar beta1Scalar = beta1, beta2Scalar = beta2, oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2, eps = options.eps!.Value;
        var gradients = new List<Tensor>();
        var fused = new List<FusedAdamUpdate.Slot>();
        try
        {
            foreach (var parameter in group.Parameters)
            {
                var grad = parameter.grad;
                if (grad is null)
                    continue;
                gradients.Add(grad);
                var state = (State)_state[parameter.Handle];
                state.step += 1;
                double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                if (Fuse && FusedAdamUpdate.Supports(parameter, grad, state.exp_avg, state.exp_avg_sq))
                {
                    fused.Add(new(parameter, grad, state.exp_avg, state.exp_avg_sq, new((float)beta1, (float)beta2,
                        (float)(1 - beta1), (float)(1 - beta2), (float)Math.Sqrt(biasCorrection2), (float)options.eps!.Value,
                        (float)-(learningRate / biasCorrection1))));
                    continue;
                }
                state.exp_avg.mul_(beta1Scalar).add_(grad, alpha: oneMinusBeta1);
                state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, value: oneMinusBeta2);
                using Scalar root = Math.Sqrt(biasCorrection2), stepSize = -(learningRate / biasCorrection1);
                using var denominator = state.exp_avg_sq.sqrt().div_(root).add_(eps, Modeling.HeldScalars.One);
                parameter.addcdiv_(state.exp_avg, denominator, value: stepSize);
            }
            if (fused.Count > 0)
            {
                using var _ = no_grad();
                FusedAdamUpdate.Apply(fused);
            }
        }
        finally
        {
            foreach (var grad in gradients)
                grad.Dispose();
        }
    }

    /// <summary>Writes every parameter's moment estimates and step count, in parameter order (for a checkpoint).</summary>
    public void SaveMoments(BinaryWriter writer)
    {
        foreach (var group in ParamGroups.Cast<ParamGroup>())
        {
            foreach (var parameter in group.Parameters)
            {
                var state = (State)_state[parameter.Handle];
                writer.Write(state.step);
                TensorExtensionMethods.Save(state.exp_avg, writer);
                TensorExtensionMethods.Save(state.exp_avg_sq, writer);
            }
        }
    }

    /// <summary>Reads back what <see cref="SaveMoments"/> wrote into an optimizer over the same parameters.</summary>
    public void LoadMoments(BinaryReader reader)
    {
        using var _ = no_grad();
        foreach (var group in ParamGroups.Cast<ParamGroup>())
        {
            foreach (var parameter in group.Parameters)
            {
                var state = (State)_state[parameter.Handle];
                state.step = reader.ReadInt64();
                TensorExtensionMethods.Load(state.exp_avg, reader);
                TensorExtensionMethods.Load(state.exp_avg_sq, reader);
            }
        }
    }
}
