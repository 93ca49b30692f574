namespace Microsoft.ML.MissingModality.ModelProbe;

/// <summary>One input row: a vector column whose name and size the probe sets at run time.</summary>
public sealed class VectorRow
{
    public float[] Features { get; set; } = [];
}

/// <summary>The linear-recall output of one row.</summary>
public sealed class RecalledRow
{
    public float[] RecalledFeatures { get; set; } = [];
}

/// <summary>A tiny binary matrix format shared with the tests: int32 rows, int32 columns, float32 values.</summary>
public static class FloatMatrixFile
{
    public static (int Rows, float[] Values) Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        int rows = reader.ReadInt32(), columns = reader.ReadInt32();
        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
        return (rows, values);
    }

    public static void Write(string path, int rows, float[] values)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(rows);
        writer.Write(values.Length / Math.Max(rows, 1));
        foreach (float v in values) writer.Write(v);
    }
}
