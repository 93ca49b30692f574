using TorchSharp;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>Writes one transformer's part of a model zip: plain values, then named binary streams for torch state.</summary>
internal sealed class ModelWriter
{
    private readonly ModelSaveContext _context;

    public ModelWriter(ModelSaveContext context) => _context = context;

    /// <summary>The model's main stream: options, column names, shapes.</summary>
    public BinaryWriter Writer => _context.Writer;

    /// <summary>Saves a module's state dict (parameters and buffers) as its own entry in the zip.</summary>
    public void WriteModule(string entryName, torch.nn.Module module) =>
        _context.SaveBinaryStream(entryName, writer => module.save(writer));

    /// <summary>Saves arbitrary bytes (e.g. a JSON config) as their own entry in the zip.</summary>
    public void WriteBytes(string entryName, byte[] bytes) =>
        _context.SaveBinaryStream(entryName, writer => writer.Write(bytes));
}
