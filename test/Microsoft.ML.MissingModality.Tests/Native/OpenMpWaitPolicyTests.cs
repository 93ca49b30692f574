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

    private static (string Stdout, string Stderr) RunProbe(string? policy) => Support.ProbeProcess.Capture(
        new Dictionary<string, string?> { ["OMP_DISPLAY_ENV"] = "verbose", [OpenMpWaitPolicy.Variable] = policy },
        AppContext.BaseDirectory, "torch-load");
}
