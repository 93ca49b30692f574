using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// Re-initialises every parameter of a module tree from an explicit <see cref="Generator"/>, with PyTorch's default
/// distributions: Linear weight and bias U(±1/√fan_in) (kaiming_uniform with a = √5 reduces to that), LSTM parameters
/// U(±1/√hidden), Conv2d weight and bias U(±1/√(in·k·k)), Embedding N(0, 1), LayerNorm and GroupNorm weight 1 and
/// bias 0. TorchSharp's constructors draw from the global
/// generator; this lets library code be deterministic without seeding global state. A module type holding its own
/// parameters that is not listed throws, so nothing stays silently on the global generator.
/// <para>
/// The draws use the in-place Tensor methods (<c>uniform_</c>, <c>normal_</c>) with the generator: in TorchSharp 0.107
/// <c>nn.init.uniform_</c>/<c>nn.init.normal_</c> accept a generator but never pass it to libtorch (their source calls
/// THSInit_uniform_ without it), so equal seeds gave different networks. Results are the same tensor: never disposed.
/// </para>
/// </summary>
internal static class ParameterInitializer
{
    public static void Initialize(nn.Module root, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(generator);
        using var _ = no_grad();
        foreach (var (name, module) in root.named_modules().Prepend((string.Empty, root)))
        {
            var own = module.named_parameters(recurse: false).Select(p => p.parameter).ToList();
            if (own.Count == 0)
                continue;
            switch (module)
            {
                case Linear linear:
                    double bound = 1.0 / Math.Sqrt(linear.weight!.shape[1]);
                    foreach (var p in own) p.uniform_(-bound, bound, generator);
                    break;
                case LSTM:
                    // LSTM weights are [4·hidden, in] and [4·hidden, hidden]: hidden = the second dimension of weight_hh.
                    double lstmBound = 1.0 / Math.Sqrt(module.named_parameters(recurse: false).First(p => p.name.StartsWith("weight_hh", StringComparison.Ordinal)).parameter.shape[1]);
                    foreach (var p in own) p.uniform_(-lstmBound, lstmBound, generator);
                    break;
                case Conv2d conv:
                    var kernel = conv.weight!.shape;
                    double convBound = 1.0 / Math.Sqrt(kernel[1] * kernel[2] * kernel[3]);
                    foreach (var p in own) p.uniform_(-convBound, convBound, generator);
                    break;
                case GroupNorm group:
                    nn.init.ones_(group.weight!);
                    if (group.bias is not null) nn.init.zeros_(group.bias);
                    break;
                case Embedding embedding:
                    embedding.weight!.normal_(0, 1, generator);
                    break;
                case LayerNorm norm:
                    nn.init.ones_(norm.weight!);
                    if (norm.bias is not null) nn.init.zeros_(norm.bias);
                    break;
                default:
                    throw new NotSupportedException($"No seeded initialisation for module '{name}' of type {module.GetType().Name}.");
            }
        }
    }
}
