using Microsoft.ML.MissingModality.Internal.Native;
using TorchSharp;

namespace Microsoft.ML.MissingModality.ModelProbe;

/// <summary>
/// Makes one torch call after the library's module initializer ran, and reports what the initializer did and which
/// libLibTorchSharp.so the process mapped: the test runs it from a folder without natives, so that TorchSharp has to
/// find them in a NuGet packages folder that no build patched.
/// </summary>
internal static class TorchLoadProbe
{
    public static int Run()
    {
        var outcome = TorchNativeLoader.Outcome;
        Console.WriteLine($"action: {outcome.Action}");
        Console.WriteLine($"source: {outcome.Source}");
        Console.WriteLine($"detail: {outcome.Detail}");
        Console.WriteLine($"wait policy: {OpenMpWaitPolicy.Outcome}");
        using var sum = torch.ones(3).sum();
        Console.WriteLine($"sum: {sum.item<float>()}");
        string? mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].EndsWith("/" + TorchNativeLoader.LibraryFileName, StringComparison.Ordinal))
            .Select(fields => fields[5])
            .FirstOrDefault();
        Console.WriteLine($"mapped: {mapped}");
        return 0;
    }
}
