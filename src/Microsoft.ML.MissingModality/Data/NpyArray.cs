namespace Microsoft.ML.MissingModality.Data;

/// <summary>A float32 array read from a NumPy <c>.npy</c> file, with its values in row-major (C) order.</summary>
/// <param name="Shape">The array's shape, e.g. <c>[60, 128]</c>.</param>
/// <param name="Values">The values, C order whatever the file's order was.</param>
public sealed record NpyArray(IReadOnlyList<int> Shape, float[] Values);
