using System.Diagnostics;

namespace Microsoft.ML.MissingModality.Tests.Support;

/// <summary>Runs the ModelProbe program (built beside the tests) as a separate process.</summary>
internal static class ProbeProcess
{
    public static void Run(params string[] arguments)
    {
        string probe = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.MissingModality.ModelProbe.dll");
        Assert.IsTrue(File.Exists(probe), probe);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(probe);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(180_000), "the probe process did not finish in 3 minutes");
        Assert.AreEqual(0, process.ExitCode, stderr.Result);
    }
}
