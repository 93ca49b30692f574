using TorchSharp;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// Picks the torch device every component trains and scores on, from the two settings ML.NET users already know:
/// <c>MLContext.GpuDeviceId</c> and <c>MLContext.FallbackToCpu</c>.
/// </summary>
/// <remarks>
/// No GPU id means the CPU. A GPU id means that CUDA device when it exists; when it does not, the CPU if falling back
/// is allowed, else a <see cref="GpuUnavailableException"/>. The choice is made once per fit or load, never per batch.
/// </remarks>
public static class TorchDeviceSelector
{
    /// <summary>Selects the device for the given settings, asking libtorch how many CUDA devices it sees.</summary>
    /// <param name="gpuDeviceId">The CUDA device index, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether to use the CPU when the requested GPU is not available.</param>
    /// <exception cref="GpuUnavailableException">The GPU was demanded and is not available.</exception>
    public static torch.Device Select(int? gpuDeviceId, bool fallbackToCpu) =>
        Select(gpuDeviceId, fallbackToCpu, gpuDeviceId is null ? 0 : CountCudaDevices());

    /// <summary>The decision itself, with the device count given (so it can be tested without a GPU).</summary>
    internal static torch.Device Select(int? gpuDeviceId, bool fallbackToCpu, int availableCudaDevices)
    {
        if (gpuDeviceId is not int id)
            return torch.CPU;
        ArgumentOutOfRangeException.ThrowIfNegative(id, nameof(gpuDeviceId));
        if (id < availableCudaDevices)
            return new torch.Device(DeviceType.CUDA, id);
        if (fallbackToCpu)
            return torch.CPU;
        throw new GpuUnavailableException(id, availableCudaDevices);
    }

    /// <summary>CUDA devices visible to libtorch; 0 with the CPU build.</summary>
    public static int CountCudaDevices() => torch.cuda.is_available() ? torch.cuda.device_count() : 0;
}
