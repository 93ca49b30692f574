using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>The values of contiguous float32 CPU tensors as spans, and work over them spread on the thread pool, for the library's own kernels.</summary>
/// <remarks>
/// A span cannot cross threads: a kernel that spreads work over the thread pool asks for it in each work item. It
/// starts at the tensor's first element (a view's offset into its storage included).
/// </remarks>
internal static class TensorMemory
{
    public static Span<float> Floats(this Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>Whether <see cref="Floats"/> can take the tensor: contiguous float32 on the CPU, within one span's reach.</summary>
    public static bool IsPlainFloats(this Tensor tensor) =>
        tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32 && tensor.is_contiguous()
        && tensor.numel() <= int.MaxValue / sizeof(float);

    /// <summary>
    /// Calls <paramref name="body"/>(item, start, length) over every item's <paramref name="lengths"/>[item] values cut
    /// into chunks of <paramref name="chunkFloats"/>, the chunks spread over the thread pool (run in place when there is
    /// only one).
    /// </summary>
    public static void ForEachChunk(IReadOnlyList<int> lengths, int chunkFloats, Action<int, int, int> body)
    {
        var chunks = new List<(int Item, int Start, int Length)>();
        for (int item = 0; item < lengths.Count; item++)
            for (int start = 0; start < lengths[item]; start += chunkFloats)
                chunks.Add((item, start, Math.Min(chunkFloats, lengths[item] - start)));
        if (chunks.Count <= 1)
        {
            foreach (var (item, start, length) in chunks)
                body(item, start, length);
            return;
        }
        Parallel.For(0, chunks.Count, i => body(chunks[i].Item, chunks[i].Start, chunks[i].Length));
    }
}
