using Microsoft.ML.MissingModality;
namespace Microsoft.ML;

/// <summary>Hangs the <see cref="MissingModalityCatalog"/> off <see cref="MLContext"/>.</summary>
public static class MLContextExtensions
{
    /// <summary>The estimators of this library, bound to <paramref name="context"/> (its seed and device settings).</summary>
    public static MissingModalityCatalog MissingModality(this MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new MissingModalityCatalog(context);
    }
}
