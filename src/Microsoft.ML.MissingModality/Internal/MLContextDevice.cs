using Microsoft.ML.MissingModality.Training;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>The torch device for an ML.NET environment: its GpuDeviceId and FallbackToCpu settings.</summary>
internal static class MLContextDevice
{
    /// <summary>
    /// Reads the settings from the environment (an <see cref="MLContext"/> or a host registered from one) and
    /// delegates to <see cref="TorchDeviceSelector"/>. Environments that carry no settings mean the CPU.
    /// </summary>
    public static torch.Device Select(IHostEnvironment environment) =>
        environment is IHostEnvironmentInternal settings
            ? TorchDeviceSelector.Select(settings.GpuDeviceId, settings.FallbackToCpu)
            : torch.CPU;
}
