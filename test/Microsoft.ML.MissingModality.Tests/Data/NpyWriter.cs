using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.MissingModality.Tests.Data;

/// <summary>Writes <c>.npy</c> fixtures (float32, format v1/v2/v3, C or Fortran order) the way NumPy lays them out.</summary>
internal static class NpyWriter
{
    /// <param name="path">Target file.</param>
    /// <param name="shape">Array shape.</param>
    /// <param name="cOrderValues">Values in C order; written in Fortran order when <paramref name="fortran"/>.</param>
    /// <param name="version">Format major version, 1 to 3.</param>
    /// <param name="fortran">Write column-major data with fortran_order True.</param>
    public static void Write(string path, int[] shape, float[] cOrderValues, int version = 1, bool fortran = false)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '<f4', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        Span<byte> len = stackalloc byte[4];
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            stream.Write(len[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
            stream.Write(len);
        }
        stream.Write(Encoding.Latin1.GetBytes(header));
        var values = fortran ? ToFortran(cOrderValues, shape) : cOrderValues;
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        stream.Write(bytes);
    }

    private static float[] ToFortran(float[] c, int[] shape)
    {
        var f = new float[c.Length];
        var index = new int[shape.Length];
        for (int i = 0; i < c.Length; i++)
        {
            long at = 0, stride = 1;
            for (int d = 0; d < shape.Length; d++)
            {
                at += index[d] * stride;
                stride *= shape[d];
            }
            f[at] = c[i];
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                    break;
                index[d] = 0;
            }
        }
        return f;
    }
}
