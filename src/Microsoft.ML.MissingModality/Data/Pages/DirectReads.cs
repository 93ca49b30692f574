using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Microsoft.ML.MissingModality.Data.Pages;

/// <summary>
/// Reads that bypass the operating system's page cache (Linux <c>O_DIRECT</c>): the disk copies a column chunk straight
/// into the reader's buffer. A pass over a dataset larger than memory otherwise pushes every byte through the page
/// cache, which must evict as fast as it fills, in kernel time on the cores that train. Offsets, lengths and the
/// buffer are aligned to <see cref="Alignment"/>; where the system or the file system refuses, callers read as usual.
/// </summary>
internal static class DirectReads
{
    /// <summary>The alignment of offsets, lengths and buffer addresses (the largest logical block size in common use).</summary>
    public const int Alignment = 4096;

    private const int GetFlags = 3, SetFlags = 4; // F_GETFL, F_SETFL

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int Fcntl(int descriptor, int command, int argument);

    private static readonly Lazy<Fcntl?> FcntlFunction = new(LoadFcntl);

    /// <summary>A second handle on <paramref name="path"/> whose reads bypass the page cache, or null where that is not possible.</summary>
    public static SafeFileHandle? TryOpen(string path)
    {
        int direct = DirectFlag();
        if (direct == 0 || FcntlFunction.Value is not { } fcntl)
            return null;
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        int descriptor = (int)handle.DangerousGetHandle();
        int flags = fcntl(descriptor, GetFlags, 0);
        if (flags < 0 || fcntl(descriptor, SetFlags, flags | direct) < 0)
        {
            handle.Dispose();
            return null;
        }
        return handle;
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes at <paramref name="offset"/> through <paramref name="handle"/>: the aligned
    /// blocks around them into <paramref name="scratch"/>'s aligned buffer. Null when the read is refused (a file
    /// system that accepted the flag but not the read), so that the caller reads through the page cache instead.
    /// </summary>
    public static ReadOnlyMemory<byte> TryRead(SafeFileHandle handle, long offset, int length, DecodeScratch scratch, out bool refused)
    {
        refused = false;
        long first = offset - offset % Alignment;
        long end = offset + length;
        long blocks = (end - first + Alignment - 1) / Alignment * Alignment;
        if (blocks > int.MaxValue)
        {
            refused = true;
            return default;
        }
        var buffer = scratch.AlignedChunk((int)blocks);
        int got = 0, needed = (int)(end - first);
        try
        {
            while (got < needed)
            {
                // Whole blocks each time: the last read may return fewer bytes only at the end of the file.
                int read = RandomAccess.Read(handle, buffer.Span[got..], first + got);
                if (read == 0)
                    throw new InvalidDataException("The file ends inside a column chunk.");
                got += read;
                if (got % Alignment != 0 && got < needed)
                    throw new InvalidDataException("The file ends inside a column chunk.");
            }
        }
        catch (IOException)
        {
            refused = true;
            return default;
        }
        return buffer.Slice((int)(offset - first), length);
    }

    private static int DirectFlag() => !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000, // O_DIRECT in the generic Linux ABI
        Architecture.Arm64 or Architecture.Arm => 0x10000, // O_DIRECT on ARM
        _ => 0,
    };

    private static Fcntl? LoadFcntl()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc))
            return null;
        return NativeLibrary.TryGetExport(libc, "fcntl", out var address) ? Marshal.GetDelegateForFunctionPointer<Fcntl>(address) : null;
    }
}
