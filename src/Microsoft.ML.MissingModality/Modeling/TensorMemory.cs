using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>The values of a contiguous float32 CPU tensor as a span, for the library's own kernels.</summary>
/// <remarks>
/// A span cannot cross threads: a kernel that spreads work over the thread pool asks for it in each work item. It
/// starts at the tensor's first element (a view's offset into its storage included).
/// </remarks>
internal static class TensorMemory
{
    public static Span<float> Floats(this Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);
}
