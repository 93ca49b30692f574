using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Cli;

/// <summary>
/// The one place where a failed command becomes what the user reads: one line naming the cause (the located data or
/// model error however deep ML.NET wrapped it), no stack trace, and the exit code.
/// </summary>
public static class ErrorReport
{
    /// <summary>Environment variable that, set to 1, adds the stack trace of an unexpected error (for bug reports).</summary>
    public const string TraceVariable = "AVQA_TRACE";

    /// <summary>Writes the message for <paramref name="exception"/> to <paramref name="error"/> and returns the exit code.</summary>
    public static int Write(Exception exception, TextWriter error)
    {
        var cause = AvqaErrors.RootCause(exception);
        var (code, message) = cause switch
        {
            UsageException => (Program.UsageError, cause.Message),
            OutputExistsException => (Program.Failure, cause.Message.TrimEnd('.') + "; pass --overwrite to replace it."),
            Training.GpuUnavailableException gpu => (Program.Failure, gpu.AvailableDevices == 0
                ? "--device cuda: no CUDA device is available (this build of TorchSharp is the CPU one, or no GPU is visible); use --device auto or cpu."
                : $"--device cuda: GPU {gpu.RequestedDeviceId} is not there ({gpu.AvailableDevices} found); use --device auto or cpu."),
            AvqaDataException or AvqaModelException or IOException or UnauthorizedAccessException or InvalidDataException
                or Training.TrainingDivergedException => (Program.Failure, cause.Message),
            // The library checks a model against the data it is given with ArgumentException (a schema mismatch):
            // the data is at fault, not the command line.
            ArgumentException or InvalidOperationException or NotSupportedException => (Program.Failure, cause.Message),
            _ => (Program.Failure, $"unexpected {cause.GetType().Name}: {cause.Message} (set {TraceVariable}=1 for the stack trace)"),
        };
        error.WriteLine($"error: {message}");
        if (Environment.GetEnvironmentVariable(TraceVariable) == "1")
            error.WriteLine(exception.ToString());
        return code;
    }
}
