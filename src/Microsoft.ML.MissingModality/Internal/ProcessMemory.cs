using System.Runtime.InteropServices;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>
/// Hands back to the system the memory a finished training no longer needs, so that the next component of a pipeline
/// does not start on top of it: the batches and the tensors left to the finalizer are collected, then glibc — which
/// keeps freed native memory (libtorch's) in its arenas for reuse — is asked to return its free pages
/// (<c>malloc_trim</c>). Where the C library has no <c>malloc_trim</c> only the collection runs. Training also trims
/// after each step on large batches (<see cref="TrimNative"/>).
/// </summary>
internal static class ProcessMemory
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallocTrim(nuint pad);

    private static readonly Lazy<MallocTrim?> Trim = new(LoadMallocTrim);

    /// <summary>Collects the managed heap (twice: tensors freed by finalizers free their native memory) and trims the native one.</summary>
    public static void ReleaseAfterTraining()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        Trim.Value?.Invoke(0);
    }

    /// <summary>
    /// Asks glibc to return its free pages to the system (no managed collection). libtorch frees a step's activations
    /// into glibc's arenas, which keep them for reuse, split and scattered: after the steps of a batch of hundreds of
    /// megabytes the resident set otherwise holds on to about a step's worth of freed memory per arena.
    /// </summary>
    public static void TrimNative()
    {
        Interlocked.Increment(ref s_nativeTrims);
        Trim.Value?.Invoke(0);
    }

    /// <summary>How many times <see cref="TrimNative"/> ran in this process (tests check when training trims).</summary>
    public static long NativeTrims => Interlocked.Read(ref s_nativeTrims);

    private static long s_nativeTrims;

    private static MallocTrim? LoadMallocTrim()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc))
            return null;
        return NativeLibrary.TryGetExport(libc, "malloc_trim", out var address) ? Marshal.GetDelegateForFunctionPointer<MallocTrim>(address) : null;
    }
}
