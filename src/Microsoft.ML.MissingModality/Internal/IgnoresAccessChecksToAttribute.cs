// The one place that opens ML.NET's internals to this assembly. ML.NET offers no public way to save an external
// transformer into a model zip (ModelSaveContext, LoadableClassAttribute and RowToRowTransformerBase's constructor
// are internal), so the library compiles against publicized copies of Microsoft.ML.Core and Microsoft.ML.Data
// (build/MlNetPublicizer.targets) and asks the runtime, through this attribute, to allow that access to the real
// assemblies. Only code under Internal/ may use those internals.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices
{
    /// <summary>Read by the runtime: lets this assembly access non-public members of the named assembly.</summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        public string AssemblyName { get; }
    }
}
