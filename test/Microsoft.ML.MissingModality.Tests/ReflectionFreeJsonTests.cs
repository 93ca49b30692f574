using System.Text.RegularExpressions;

namespace Microsoft.ML.MissingModality.Tests;

/// <summary>
/// Every JsonSerializer call in the shipped assemblies passes source-generated type information, so that the library
/// works where reflection-based System.Text.Json is off (.NET 10 file-based apps, trimmed and AOT-ready hosts): a
/// dataset written from `dotnet run app.cs` once failed with "Reflection-based serialization has been disabled".
/// </summary>
[TestClass]
public sealed partial class ReflectionFreeJsonTests
{
    [TestMethod]
    public void JsonSerializerCalls_InShippedCode_AllPassSourceGeneratedTypeInfo()
    {
        var offenders = new List<string>();
        foreach (string project in Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "src")))
            foreach (string file in Directory.GetFiles(project, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
            {
                string text = File.ReadAllText(file);
                foreach (Match call in SerializerCall().Matches(text))
                    if (!call.Value.Contains("Json.Default.", StringComparison.Ordinal))
                        offenders.Add($"{Path.GetRelativePath(TestPaths.RepoRoot, file)}: {call.Value}");
            }
        Assert.IsEmpty(offenders, "JsonSerializer calls without a JsonTypeInfo:\n" + string.Join("\n", offenders));
    }

    // A call up to its closing parenthesis on the same line (the library writes each on one line).
    [GeneratedRegex(@"JsonSerializer\.(Serialize|Deserialize)(<[^>]*>)?\([^\n]*")]
    private static partial Regex SerializerCall();
}
