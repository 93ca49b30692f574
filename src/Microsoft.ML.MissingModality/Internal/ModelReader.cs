using TorchSharp;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>Reads back what a <see cref="ModelWriter"/> wrote.</summary>
internal sealed class ModelReader
{
    private readonly ModelLoadContext _context;

    public ModelReader(ModelLoadContext context) => _context = context;

    /// <summary>The model's main stream.</summary>
    public BinaryReader Reader => _context.Reader;

    /// <summary>The format version the zip was written with.</summary>
    public uint VersionWritten => _context.Header.ModelVerWritten;

    /// <summary>Loads a module's state dict from its entry; the module must already have the saved architecture.</summary>
    /// <exception cref="InvalidDataException">The entry is missing from the zip.</exception>
    public void ReadModule(string entryName, torch.nn.Module module)
    {
        if (!_context.TryLoadBinaryStream(entryName, reader => module.load(reader)))
            throw new InvalidDataException($"The model zip has no '{entryName}' entry: it is incomplete or was written by another component.");
    }
}
