using Microsoft.ML.Runtime;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>Writes informational messages to the MLContext log (its <c>Log</c> event), as ML.NET's own trainers do.</summary>
internal static class HostLog
{
    public static void Info(IHostEnvironment environment, string component, string message)
    {
        using var channel = environment.Register(component).Start(component);
        channel.Info(message);
    }

    public static void Warning(IHostEnvironment environment, string component, string message)
    {
        using var channel = environment.Register(component).Start(component);
        channel.Warning(message);
    }

    /// <summary>The seed the MLContext was created with, if any.</summary>
    public static int? ContextSeed(IHostEnvironment environment) => (environment as IHostEnvironmentInternal)?.Seed;
}
