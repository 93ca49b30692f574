using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.ML.MissingModality.Internal.Native;

namespace Microsoft.ML.MissingModality.Tests.Native;

/// <summary>
/// The run-time LibTorchSharp fix: torch must load in a process whose TorchSharp finds its natives in a NuGet
/// packages folder that no build patched (as under .NET Interactive), and the packages folder must stay untouched.
/// </summary>
[TestClass]
public sealed class TorchNativeLoaderTests : Support.TempDirectoryTest
{
    [TestMethod]
    public void TorchLoad_AppWithoutNatives_LoadsFromUnpatchedPackagesFolder()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Assert.Inconclusive("the LibTorchSharp fix concerns Linux x64 only");
        string packages = NuGetPackagesFolder();
        string shipped = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", TorchNativeLoader.LibraryFileName);
        if (!File.Exists(shipped))
            Assert.Inconclusive($"the NuGet packages folder holds no TorchSharp 0.107.0 natives: {shipped}");

        string app = Path.Combine(Root, "app");
        string cache = Path.Combine(Root, "cache");
        CopyManagedFiles(AppContext.BaseDirectory, app);
        byte[] shippedHash = SHA256.HashData(File.ReadAllBytes(shipped));
        bool systemHasVersion = ElfVersionNeed.SystemLibStdCxxProvides(TorchNativeLoader.RequiredVersion, out _);

        var first = RunProbe(app, packages, cache);
        var second = RunProbe(app, packages, cache);

        foreach (var run in new[] { first, second })
        {
            Assert.AreEqual("3", run["sum"], "torch computed ones(3).sum()");
            Assert.AreEqual(shipped, run["source"], "the loader examined the library TorchSharp would load");
        }
        CollectionAssert.AreEqual(shippedHash, SHA256.HashData(File.ReadAllBytes(shipped)), "the NuGet cache was modified");
        Assert.IsFalse(Directory.Exists(Path.Combine(app, "cpu")), "TorchSharp fell back to consolidating natives: the preloaded copy was not found");
        if (systemHasVersion)
        {
            Assert.AreEqual(nameof(TorchNativeLoadAction.NotNeeded), first["action"]);
            Assert.AreEqual(shipped, first["mapped"]);
            return;
        }
        Assert.AreEqual(nameof(TorchNativeLoadAction.LoadedPatchedCopy), first["action"]);
        string patched = first["mapped"];
        StringAssert.StartsWith(patched, cache + Path.DirectorySeparatorChar);
        Assert.AreEqual(patched, first["detail"]);
        Assert.AreEqual(patched, second["mapped"], "the second process reuses the cached copy");
        Assert.AreEqual(ElfVersionNeed.State.AlreadyWeak, ElfVersionNeed.MarkWeak(File.ReadAllBytes(patched), TorchNativeLoader.RequiredVersion));
        Assert.AreEqual(1, Directory.GetDirectories(cache).Length, "one cache folder, no staging left behind");
    }

    [TestMethod]
    public void MarkWeak_ShippedLibrary_PatchesOnlyTheVersionFlag()
    {
        string shipped = Path.Combine(NuGetPackagesFolder(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", TorchNativeLoader.LibraryFileName);
        if (!File.Exists(shipped))
            Assert.Inconclusive($"no TorchSharp 0.107.0 natives at {shipped}");
        byte[] original = File.ReadAllBytes(shipped);
        byte[] image = (byte[])original.Clone();

        Assert.AreEqual(ElfVersionNeed.State.Patched, ElfVersionNeed.MarkWeak(image, TorchNativeLoader.RequiredVersion));
        Assert.AreEqual(ElfVersionNeed.State.AlreadyWeak, ElfVersionNeed.MarkWeak(image, TorchNativeLoader.RequiredVersion));
        Assert.AreEqual(ElfVersionNeed.State.NotRequired, ElfVersionNeed.MarkWeak(image, "GLIBCXX_99.0"));
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != image[i]).ToList();
        Assert.AreEqual(1, changed.Count, "exactly one byte (the low byte of vna_flags) changes");
        Assert.AreEqual(2, image[changed[0]] - original[changed[0]], "VER_FLG_WEAK is bit 1");
    }

    [TestMethod]
    public void MarkWeak_NotAnElfFile_ThrowsInvalidData()
    {
        Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeed.MarkWeak(new byte[100], TorchNativeLoader.RequiredVersion));
    }

    static string NuGetPackagesFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return !string.IsNullOrEmpty(configured) ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    // The probe and every managed assembly it needs, but no native library: TorchSharp must look elsewhere.
    static void CopyManagedFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            string name = Path.GetFileName(file);
            if (!name.EndsWith(".so", StringComparison.Ordinal) && !name.Contains(".so.", StringComparison.Ordinal))
                File.Copy(file, Path.Combine(to, name));
        }
    }

    static Dictionary<string, string> RunProbe(string app, string packages, string cache)
    {
        var environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = packages,
            [TorchNativeLoader.CacheVariable] = cache,
            [TorchNativeLoader.EnableVariable] = null,
        };
        var (stdout, _) = Support.ProbeProcess.Capture(environment, app, "torch-load");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
    }
}
