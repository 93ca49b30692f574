using System.Diagnostics;
using Microsoft.ML.MissingModality.Internal.Native;

namespace Microsoft.ML.MissingModality.Tests.Native;

/// <summary>
/// The wait policy libgomp actually starts with, in a fresh process (the probe): libgomp prints its settings when it
/// loads if <c>OMP_DISPLAY_ENV</c> is set, so the test reads the policy from libgomp itself, not from the library. Its
/// policy line says PASSIVE for the default too (spin a while, then sleep); the spin count tells them apart: 0 when
/// passive, 300000 by default.
/// </summary>
[TestClass]
public sealed class OpenMpWaitPolicyTests
{
    [TestMethod]
    public void TorchLoad_PolicyUnset_OpenMpWaitsPassively()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("libgomp is libtorch's OpenMP on Linux only.");
        var (stdout, stderr) = RunProbe(policy: null);

        StringAssert.Contains(stdout, $"wait policy: {OpenMpWaitPolicyAction.SetPassive}");
        StringAssert.Contains(stderr, "OMP_WAIT_POLICY = 'PASSIVE'");
        StringAssert.Contains(stderr, "GOMP_SPINCOUNT = '0'");
    }

    [TestMethod]
    public void TorchLoad_PolicySetByUser_UserChoiceKept()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("libgomp is libtorch's OpenMP on Linux only.");
        var (stdout, stderr) = RunProbe(policy: "active");

        StringAssert.Contains(stdout, $"wait policy: {OpenMpWaitPolicyAction.UserChoice}");
        StringAssert.Contains(stderr, "OMP_WAIT_POLICY = 'ACTIVE'");
    }

    private static (string Stdout, string Stderr) RunProbe(string? policy)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.MissingModality.ModelProbe.dll"));
        start.ArgumentList.Add("torch-load");
        start.Environment["OMP_DISPLAY_ENV"] = "verbose";
        if (policy is null)
            start.Environment.Remove(OpenMpWaitPolicy.Variable);
        else
            start.Environment[OpenMpWaitPolicy.Variable] = policy;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(120_000), "the probe did not finish in 2 minutes");
        Assert.AreEqual(0, process.ExitCode, $"{stdout}\n{stderr.Result}");
        return (stdout, stderr.Result);
    }
}
