using System.Reflection;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Internal.Native;

/// <summary>
/// Where TorchSharp will load libLibTorchSharp.so from, following its own search order: beside TorchSharp.dll
/// (an app's build output), else the NuGet packages folder (TorchSharp.dll inside the cache, as under .NET
/// Interactive, or an app whose output carries no natives). <see cref="DependencyFolders"/> hold the libtorch
/// libraries it links against.
/// </summary>
internal sealed record TorchSharpNativeLocation(string LibraryPath, IReadOnlyList<string> DependencyFolders)
{
    const string NativeRid = "linux-x64";

    public static TorchSharpNativeLocation? Find()
    {
        Assembly torchSharp = typeof(torch).Assembly;
        string? assemblyFolder = Path.GetDirectoryName(torchSharp.Location);
        if (string.IsNullOrEmpty(assemblyFolder))
            return null; // single-file app: natives are extracted by the host, which the build patched

        foreach (string folder in new[] { assemblyFolder, Path.Combine(assemblyFolder, "runtimes", NativeRid, "native") })
            if (File.Exists(Path.Combine(folder, TorchNativeLoader.LibraryFileName)))
                return new(Path.Combine(folder, TorchNativeLoader.LibraryFileName), [folder]);

        var (packagesFolder, torchSharpVersion) = PackagesFolder(torchSharp, assemblyFolder);
        if (packagesFolder is null || torchSharpVersion is null)
            return null;
        string library = Path.Combine(packagesFolder, "torchsharp", torchSharpVersion, "runtimes", NativeRid, "native", TorchNativeLoader.LibraryFileName);
        if (!File.Exists(library))
            return null;
        var libtorch = LibTorchVersions()
            .Select(version => Path.Combine(packagesFolder, $"libtorch-cpu-{NativeRid}", version, "runtimes", NativeRid, "native"))
            .Where(Directory.Exists)
            .Take(1)
            .ToList();
        return libtorch.Count == 0 ? null : new(library, libtorch);
    }

    // TorchSharp's rule: inside the cache when its own path reads .../torchsharp/<version>/lib/<tfm>/, else the
    // NUGET_PACKAGES folder or ~/.nuget/packages with the assembly's informational version.
    static (string? Folder, string? Version) PackagesFolder(Assembly torchSharp, string assemblyFolder)
    {
        var tfmFolder = new DirectoryInfo(assemblyFolder);
        DirectoryInfo? versionFolder = tfmFolder.Parent?.Name == "lib" ? tfmFolder.Parent.Parent : null;
        if (versionFolder?.Parent is { Name: "torchsharp", Parent: { } cache })
            return (cache.FullName, versionFolder.Name);

        string? packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string? informational = torchSharp.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return (Directory.Exists(packages) ? packages : null, informational?.Split('+')[0]);
    }

    // The libtorch package version TorchSharp was built against, as written and as NuGet normalises it (2.10.0.0 → 2.10.0).
    static IEnumerable<string> LibTorchVersions()
    {
        // A constant in TorchSharp's metadata: reading it runs no TorchSharp code (no type initializer, no native load).
        var field = typeof(torch).GetField("libtorchPackageVersion", BindingFlags.NonPublic | BindingFlags.Static);
        if (field?.GetRawConstantValue() is not string version)
            yield break;
        yield return version;
        string[] parts = version.Split('.');
        if (parts.Length == 4 && parts[3] == "0")
            yield return string.Join('.', parts[..3]);
    }
}
