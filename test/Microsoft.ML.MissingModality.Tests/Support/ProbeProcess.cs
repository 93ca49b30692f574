using System.Diagnostics;

namespace Microsoft.ML.MissingModality.Tests.Support;

/// <summary>Runs the ModelProbe program (built beside the tests) as a separate process.</summary>
internal static class ProbeProcess
{
    public static void Run(params string[] arguments) => Capture(new Dictionary<string, string?>(), AppContext.BaseDirectory, arguments);

    /// <summary>
    /// Runs the probe from <paramref name="folder"/> with the test's environment changed by <paramref name="environment"/>
    /// (a null value removes the variable), asserts that it succeeded, and returns what it wrote.
    /// </summary>
    public static (string Stdout, string Stderr) Capture(IReadOnlyDictionary<string, string?> environment, string folder, params string[] arguments)
    {
        string probe = Path.Combine(folder, "Microsoft.ML.MissingModality.ModelProbe.dll");
        Assert.IsTrue(File.Exists(probe), probe);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(probe);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(180_000), "the probe process did not finish in 3 minutes");
        Assert.AreEqual(0, process.ExitCode, $"{stdout}\n{stderr.Result}");
        return (stdout, stderr.Result);
    }
}
