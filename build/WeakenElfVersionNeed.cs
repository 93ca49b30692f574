// Two parts in one file, because RoslynCodeTaskFactory compiles exactly one source file:
// - ElfVersionNeed: reads and weakens one symbol-version requirement of an ELF64 shared library (VER_FLG_WEAK), so
//   that the dynamic loader accepts the library on a system whose libstdc++ lacks that version. The library compiles
//   this part too (MISSINGMODALITY_RUNTIME), for the run-time variant of the fix (TorchNativeLoader).
// - WeakenElfVersionNeed: the MSBuild task (see LibTorchSharpCompat.targets) that patches a build or publish output.
#nullable enable
// Compiled against netstandard2.0 by RoslynCodeTaskFactory: keep to that API surface.
using System;
using System.IO;
using System.Linq;
using System.Text;
#if !MISSINGMODALITY_RUNTIME
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

internal static class ElfVersionNeed
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    public enum State { NotRequired, AlreadyWeak, Patched }

    /// <summary>Marks the requirement of <paramref name="versionName"/> weak in <paramref name="elf"/> (in place) and says what it found.</summary>
    public static State MarkWeak(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only little-endian ELF64 is supported");

        long sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
        int headerSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionHeaders + (long)s * headerSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed)
                continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            int linkedStrings = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            int needCount = (int)BitConverter.ToUInt32(elf, (int)header + 0x2C);
            long strings = (long)BitConverter.ToUInt64(elf, (int)(sectionHeaders + (long)linkedStrings * headerSize) + 0x18);

            // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            long need = offset;
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadString(elf, strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == versionName)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlagWeak) != 0)
                            return State.AlreadyWeak;
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                        return State.Patched;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        return State.NotRequired;
    }

    /// <summary>Whether the system's libstdc++ (the one this process mapped, else the usual places) defines <paramref name="versionName"/>.</summary>
    public static bool SystemLibStdCxxProvides(string versionName, out string? libstdcxx)
    {
        libstdcxx = FindSystemLibStdCxx();
        return libstdcxx != null && Contains(File.ReadAllBytes(libstdcxx), Encoding.ASCII.GetBytes(versionName + "\0"));
    }

    static string ReadString(byte[] data, long start)
    {
        long end = start;
        while (data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)start, (int)(end - start));
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    // The libstdc++ this very process loaded (the .NET host links it), else the usual multiarch locations.
    static string? FindSystemLibStdCxx()
    {
        try
        {
            string? mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).StartsWith("libstdc++.so", StringComparison.Ordinal))
                .Select(fields => fields[5])
                .FirstOrDefault();
            if (mapped != null && File.Exists(mapped))
                return mapped;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };
        return candidates.FirstOrDefault(File.Exists);
    }
}

#if !MISSINGMODALITY_RUNTIME
public sealed class WeakenElfVersionNeed : Task
{
    [Required] public string Directory { get; set; } = "";
    [Required] public string FileName { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory))
            return true;
        var targets = System.IO.Directory.GetFiles(Directory, FileName, SearchOption.AllDirectories);
        if (targets.Length == 0)
            return true;

        if (ElfVersionNeed.SystemLibStdCxxProvides(VersionName, out string? libstdcxx))
        {
            Log.LogMessage(MessageImportance.Low, $"{libstdcxx} provides {VersionName}: {FileName} left as shipped.");
            return true;
        }

        foreach (string target in targets)
        {
            try
            {
                byte[] image = File.ReadAllBytes(target);
                switch (ElfVersionNeed.MarkWeak(image, VersionName))
                {
                    case ElfVersionNeed.State.Patched:
                        string temporary = target + ".weak-tmp";
                        File.WriteAllBytes(temporary, image);
                        File.Delete(target);
                        File.Move(temporary, target);
                        Log.LogMessage(MessageImportance.Normal, $"Marked the {VersionName} requirement of {target} weak.");
                        break;
                    case ElfVersionNeed.State.AlreadyWeak:
                        Log.LogMessage(MessageImportance.Low, $"{target}: {VersionName} requirement already weak.");
                        break;
                    case ElfVersionNeed.State.NotRequired:
                        Log.LogMessage(MessageImportance.Low, $"{target} does not require {VersionName}.");
                        break;
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentOutOfRangeException)
            {
                Log.LogError($"Could not patch {target}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
