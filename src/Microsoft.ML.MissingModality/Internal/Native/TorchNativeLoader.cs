using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Internal.Native;

/// <summary>
/// The run-time variant of the build's LibTorchSharp fix (build/LibTorchSharpCompat.targets). TorchSharp 0.107's
/// libLibTorchSharp.so needs GLIBCXX_3.4.32, which Debian 12 and Ubuntu 22.04 lack. The build patches the copy in
/// each output folder, but some hosts load the native library from somewhere no build touches: .NET Interactive
/// (TorchSharp.dll in the NuGet cache, natives consolidated from the packages) or any app whose output has no natives
/// of its own. Before the first torch call, this module initializer finds the libLibTorchSharp.so TorchSharp would
/// load and, when it still needs the missing version, writes a patched copy into a per-user cache folder (beside links
/// to the libtorch files it depends on) and loads it. TorchSharp then finds it by its soname. The NuGet cache and the
/// output folder are never modified.
/// </summary>
internal static class TorchNativeLoader
{
    internal const string RequiredVersion = "GLIBCXX_3.4.32";
    internal const string LibraryFileName = "libLibTorchSharp.so";

    /// <summary>Overrides the cache folder (tests; hosts with a read-only home).</summary>
    internal const string CacheVariable = "MISSINGMODALITY_NATIVE_CACHE";

    /// <summary>Set to 0 to turn the run-time fix off.</summary>
    internal const string EnableVariable = "MISSINGMODALITY_NATIVE_FIX";

    /// <summary>What the module initializer did, for diagnostics and tests.</summary>
    internal static TorchNativeLoadOutcome Outcome { get; private set; } = new(TorchNativeLoadAction.NotRun, null, null);

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255",
        Justification = "Torch must be loadable before any library type makes its first torch call; that is exactly what a module initializer guarantees.")]
    internal static void Initialize()
    {
        OpenMpWaitPolicy.Apply(); // first: loading the patched copy below loads libgomp, which reads its policy then
        try
        {
            Outcome = EnsureLoadable();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException
                                      or ArgumentException or DllNotFoundException or BadImageFormatException)
        {
            // Never fail the host here: torch's own load error (naming the missing version) follows at first use.
            Outcome = new(TorchNativeLoadAction.Failed, null, e.Message);
        }
    }

    static TorchNativeLoadOutcome EnsureLoadable()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return new(TorchNativeLoadAction.NotNeeded, null, "not Linux x64");
        if (Environment.GetEnvironmentVariable(EnableVariable) == "0")
            return new(TorchNativeLoadAction.Disabled, null, $"{EnableVariable}=0");

        var source = TorchSharpNativeLocation.Find();
        if (source is null)
            return new(TorchNativeLoadAction.NotNeeded, null, $"no {LibraryFileName} found where TorchSharp looks");

        byte[] image = File.ReadAllBytes(source.LibraryPath);
        if (ElfVersionNeed.MarkWeak(image, RequiredVersion) != ElfVersionNeed.State.Patched)
            return new(TorchNativeLoadAction.NotNeeded, source.LibraryPath, $"{RequiredVersion} is not a strict requirement there");
        if (ElfVersionNeed.SystemLibStdCxxProvides(RequiredVersion, out _))
            return new(TorchNativeLoadAction.NotNeeded, source.LibraryPath, $"the system libstdc++ provides {RequiredVersion}");

        string folder = PatchedCopy.Ensure(CacheRoot(), source, image);
        string patched = Path.Combine(folder, LibraryFileName);
        NativeLibrary.Load(patched);
        return new(TorchNativeLoadAction.LoadedPatchedCopy, source.LibraryPath, patched);
    }

    static string CacheRoot()
    {
        string? configured = Environment.GetEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrEmpty(configured))
            return configured;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string baseFolder = !string.IsNullOrEmpty(xdg) ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseFolder, "microsoft-ml-missingmodality", "native");
    }

    /// <summary>A folder per source library: the patched copy plus links to the libraries it needs.</summary>
    static class PatchedCopy
    {
        public static string Ensure(string cacheRoot, TorchSharpNativeLocation source, byte[] patchedImage)
        {
            var info = new FileInfo(source.LibraryPath);
            string key = Hash($"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}|{string.Join('|', source.DependencyFolders)}");
            string folder = Path.Combine(cacheRoot, key);
            if (File.Exists(Path.Combine(folder, LibraryFileName)))
                return folder;

            // Built under a private name and renamed into place, so a concurrent process never sees half a folder.
            Directory.CreateDirectory(cacheRoot);
            string staging = Path.Combine(cacheRoot, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(staging);
            try
            {
                foreach (string dependencyFolder in source.DependencyFolders)
                    foreach (string file in Directory.EnumerateFiles(dependencyFolder))
                    {
                        string name = Path.GetFileName(file);
                        if (name != LibraryFileName && IsSharedLibrary(name) && !File.Exists(Path.Combine(staging, name)))
                            File.CreateSymbolicLink(Path.Combine(staging, name), Path.GetFullPath(file));
                    }
                File.WriteAllBytes(Path.Combine(staging, LibraryFileName), patchedImage);
                try
                {
                    Directory.Move(staging, folder);
                }
                catch (IOException) when (File.Exists(Path.Combine(folder, LibraryFileName)))
                {
                    // Another process finished the same folder first; use theirs.
                }
            }
            finally
            {
                if (Directory.Exists(staging))
                    Directory.Delete(staging, recursive: true);
            }
            return folder;
        }

        static bool IsSharedLibrary(string name) => name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal);

        static string Hash(string text) =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}

internal enum TorchNativeLoadAction { NotRun, NotNeeded, Disabled, LoadedPatchedCopy, Failed }

/// <summary>What <see cref="TorchNativeLoader"/> did: the library it examined and the patched copy or the reason.</summary>
internal sealed record TorchNativeLoadOutcome(TorchNativeLoadAction Action, string? Source, string? Detail);
