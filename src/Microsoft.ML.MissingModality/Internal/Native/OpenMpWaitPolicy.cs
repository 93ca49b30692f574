using System.Runtime.InteropServices;

namespace Microsoft.ML.MissingModality.Internal.Native;

/// <summary>
/// Asks libtorch's OpenMP threads (GNU libgomp on Linux) to sleep as soon as they wait, instead of spinning for a
/// while first, unless the user's environment names a policy. The library reads the next batch on a thread of its own
/// while libtorch computes; with spinning waiters that thread has to take a core from a spinning OpenMP thread, and
/// on a 2-core machine it hid almost nothing. With passive waiting the prefetched data path ran at 88.8-91.6 % of the
/// network's rate against 85.9-86.8 % (docs/benchmarks.md, the data path, stop 34), and the networks' own steps were no
/// slower, batch 1 to 64. libgomp reads <c>OMP_WAIT_POLICY</c> once, when it loads, so this runs from the library's
/// module initializer (<see cref="TorchNativeLoader"/>), before anything loads libtorch; a host that loaded it
/// earlier keeps its policy (<see cref="OpenMpWaitPolicyAction.TooLate"/>). Setting <c>OMP_WAIT_POLICY</c> (active or
/// passive) opts out.
/// </summary>
internal static class OpenMpWaitPolicy
{
    internal const string Variable = "OMP_WAIT_POLICY";
    internal const string Passive = "PASSIVE";

    /// <summary>What <see cref="Apply"/> did, for diagnostics and tests.</summary>
    internal static OpenMpWaitPolicyAction Outcome { get; private set; } = OpenMpWaitPolicyAction.NotRun;

    internal static void Apply()
    {
        try
        {
            Outcome = Decide();
            if (Outcome == OpenMpWaitPolicyAction.SetPassive && SetEnvironmentVariable(Variable, Passive, overwrite: 0) != 0)
                Outcome = OpenMpWaitPolicyAction.Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            Outcome = OpenMpWaitPolicyAction.Failed; // a default, never worth failing the host for
        }
    }

    private static OpenMpWaitPolicyAction Decide()
    {
        if (!OperatingSystem.IsLinux())
            return OpenMpWaitPolicyAction.NotLinux;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            return OpenMpWaitPolicyAction.UserChoice;
        if (File.ReadLines("/proc/self/maps").Any(line => line.Contains("/libgomp", StringComparison.Ordinal)))
            return OpenMpWaitPolicyAction.TooLate;
        return OpenMpWaitPolicyAction.SetPassive;
    }

    // The process environment libgomp reads (Environment.SetEnvironmentVariable changes only .NET's own copy on Unix).
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironmentVariable([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}

internal enum OpenMpWaitPolicyAction { NotRun, NotLinux, UserChoice, TooLate, SetPassive, Failed }
