using System.CommandLine;
using Microsoft.ML.MissingModality.Cli.Commands;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Cli;

/// <summary>
/// The <c>avqa</c> tool. Exit codes: 0 success, 1 bad data or I/O failure (one message on stderr, no stack trace),
/// 2 bad usage.
/// </summary>
public static class Program
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Success = 0;

    /// <summary>Exit code when the data or the file system failed the command.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a malformed command line.</summary>
    public const int UsageError = 2;

    /// <summary>Process entry point.</summary>
    public static int Main(string[] args)
    {
        // Ctrl+C or a termination request: remove the temporary outputs being written before the process ends (a
        // command that cancels gracefully — synth — removes its own and sets Cancel itself).
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => TemporaryOutput.DeleteTracked());
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => TemporaryOutput.DeleteTracked());
        return Run(args, new CliContext(Console.Out, Console.Error));
    }

    /// <summary>Builds the command tree: one line per command, each command in its own file under Commands/.</summary>
    public static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand("avqa: audio-visual question answering robust to a missing modality (ML.NET + TorchSharp).");
        root.Add(ImportMusicAvqaCommand.Create(context));
        root.Add(SynthCommand.Create(context));
        root.Add(TrainCommand.Create(context));
        root.Add(EvaluateCommand.Create(context));
        root.Add(SweepCommand.Create(context));
        root.Add(RecallSweepCommand.Create(context));
        root.Add(DemoCommand.Create(context));
        return root;
    }

    /// <summary>Parses and runs a command line, writing to <paramref name="context"/>; returns the exit code.</summary>
    public static int Run(string[] args, CliContext context)
    {
        var parse = BuildRootCommand(context).Parse(args);
        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                context.Error.WriteLine($"error: {error.Message}");
            context.Error.WriteLine("Run 'avqa --help' for usage.");
            return UsageError;
        }
        try
        {
            return parse.Invoke(invocation);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReport.Write(e, context.Error);
        }
    }
}
