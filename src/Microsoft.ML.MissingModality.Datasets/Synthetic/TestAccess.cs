using System.Runtime.CompilerServices;

// The tests check that the difficulty report's one-modality views cannot see the facts they must not.
[assembly: InternalsVisibleTo("Microsoft.ML.MissingModality.Tests")]
