// Usage: MissingModality.Publicizer <input.dll> <output.dll>
// Makes every type and member of <input.dll> public and writes the result to <output.dll> (atomically).
using Mono.Cecil;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: MissingModality.Publicizer <input.dll> <output.dll>");
    return 2;
}

string input = args[0], output = args[1];
var resolver = new DefaultAssemblyResolver();
resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
using (var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver }))
{
    foreach (var type in assembly.MainModule.GetTypes())
        Publicizer.MakePublic(type);

    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    string temporary = output + ".tmp";
    assembly.Write(temporary);
    File.Move(temporary, output, overwrite: true);
}
return 0;

static class Publicizer
{
    public static void MakePublic(TypeDefinition type)
    {
        if (IsCompilerGenerated(type))
            return;
        type.Attributes = type.IsNested
            ? (type.Attributes & ~TypeAttributes.VisibilityMask) | TypeAttributes.NestedPublic
            : (type.Attributes & ~TypeAttributes.VisibilityMask) | TypeAttributes.Public;

        var eventNames = type.Events.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var field in type.Fields)
        {
            // Event backing fields share the event's name; exposing both would make every use ambiguous.
            if (IsCompilerGenerated(field) || eventNames.Contains(field.Name))
                continue;
            field.Attributes = (field.Attributes & ~FieldAttributes.FieldAccessMask) | FieldAttributes.Public;
        }

        foreach (var method in type.Methods)
        {
            // Explicit interface implementations (names with a dot) stay private: they cannot be called by name.
            if (IsCompilerGenerated(method) || (method.IsConstructor && method.IsStatic) || (method.Name.Contains('.') && !method.IsConstructor))
                continue;
            method.Attributes = (method.Attributes & ~MethodAttributes.MemberAccessMask) | MethodAttributes.Public;
        }
    }

    static bool IsCompilerGenerated(ICustomAttributeProvider member) =>
        member.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute");
}
