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
    /// <param name="entryName">The zip entry the module was saved to.</param>
    /// <param name="module">The module to fill.</param>
    /// <param name="strict">False for an older format whose state dict lacks parameters added since (they keep their initial values).</param>
    /// <exception cref="AvqaModelException">The entry is missing, truncated or corrupt, or does not fit the module.</exception>
    public void ReadModule(string entryName, torch.nn.Module module, bool strict = true)
    {
        bool found;
        try
        {
            found = _context.TryLoadBinaryStream(entryName, reader => module.load(reader, strict));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new AvqaModelException(entryName, $"The weights cannot be read (truncated or corrupt?): {AvqaErrors.RootCause(e).Message}", e);
        }
        if (!found)
            throw new AvqaModelException(entryName, "The model zip has no such entry: it is incomplete or was written by another component.");
    }
}
