using System.Runtime.InteropServices;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>
/// Hands back to the system the memory a finished training no longer needs, so that the next component of a pipeline
/// does not start on top of it: the batches and the tensors left to the finalizer are collected, then glibc — which
/// keeps freed native memory (libtorch's) in its arenas for reuse — is asked to return its free pages
/// (<c>malloc_trim</c>). Where the C library has no <c>malloc_trim</c> only the collection runs.
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

    private static MallocTrim? LoadMallocTrim()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc))
            return null;
        return NativeLibrary.TryGetExport(libc, "malloc_trim", out var address) ? Marshal.GetDelegateForFunctionPointer<MallocTrim>(address) : null;
    }
}
