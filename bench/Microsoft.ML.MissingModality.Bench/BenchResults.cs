using System.Text.Json;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>What every benchmark's results file shares: the machine it ran on, and how the JSON is written.</summary>
internal static class BenchResults
{
    public static string Machine =>
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>Writes <paramref name="result"/> as indented JSON to <paramref name="path"/> (creating its folder) and returns the text.</summary>
    public static string WriteJson(string path, object result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(path, json);
        return json;
    }
}
