using System.Text.Json.Serialization;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>
/// Source-generated JSON for every type the library serializes, so that it works where reflection-based
/// System.Text.Json is off: trimmed and AOT-ready hosts, and .NET 10 file-based apps, which turn it off by default.
/// Enums are written as their names, as the model zips have always stored them.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(Recall.RecallModelConfig))]
[JsonSerializable(typeof(Avr.AvrModelConfig))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class LibraryJson : JsonSerializerContext;
