namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// Thrown when a GPU is demanded (a GPU device id is set and falling back to the CPU is not allowed) but the
/// requested CUDA device is not there: no CUDA build of libtorch, no visible device, or an index out of range.
/// </summary>
public sealed class GpuUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception for a requested device index and the number of CUDA devices found.</summary>
    public GpuUnavailableException(int requestedDeviceId, int availableDevices)
        : base(availableDevices == 0
            ? $"GPU {requestedDeviceId} was requested but no CUDA device is available (the CPU build of TorchSharp is in use, or no GPU is visible). " +
              "Set MLContext.FallbackToCpu = true to run on the CPU instead, or build with -p:TorchBackend=cuda on a machine with a GPU."
            : $"GPU {requestedDeviceId} was requested but only {availableDevices} CUDA device(s) are available (indices 0..{availableDevices - 1}). " +
              "Set MLContext.GpuDeviceId to an existing index, or MLContext.FallbackToCpu = true to run on the CPU instead.")
    {
        RequestedDeviceId = requestedDeviceId;
        AvailableDevices = availableDevices;
    }

    /// <summary>The CUDA device index that was requested.</summary>
    public int RequestedDeviceId { get; }

    /// <summary>How many CUDA devices libtorch reported.</summary>
    public int AvailableDevices { get; }
}
