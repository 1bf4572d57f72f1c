using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace ChiSo.Data;

/// <summary>Files at rest readable by the service account alone (docs/decisions/0014). Both hosts call <see cref="Restrict"/>
/// first: the process umask becomes 077, so every file and folder the process or its children (pg_dump) create from then on —
/// the SQLite database and its -wal and -shm, backups, exports, the secret, temporary files — is 0600 or 0700 whatever
/// created it. Files of an earlier version, made under the usual 022, are tightened by <see cref="TightenExisting"/>.
/// The files ChiSo writes itself also ask for 0600 explicitly, so they stay owner-only in a process that did not call
/// <see cref="Restrict"/> (a test, a tool).</summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole product, for one call at start.
    [DllImport("libc", EntryPoint = "umask")]
    static extern uint Umask(uint mask);

    /// <summary>Sets the process umask to 077 (Linux, macOS); nothing elsewhere.</summary>
    public static void Restrict()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) Umask(0b000_111_111);
    }

    public static void CreateFolder(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Creates a new file (never overwrites) that only the owner can read, and writes the text.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var stream = Create(path);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    /// <summary>A new file, 0600 from its creation (no moment where another user could open it).</summary>
    public static FileStream Create(string path, FileOptions options = FileOptions.None)
    {
        var o = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = options, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows()) o.UnixCreateMode = Mode;
        return new FileStream(path, o);
    }

    /// <summary>Makes an existing file owner-only (a file written by another process or before this version).</summary>
    public static void Tighten(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != Mode)
            File.SetUnixFileMode(path, Mode);
    }

    /// <summary>SQLite: the database with its -wal and -shm, the secret and the first admin's password file, and ChiSo's own
    /// folder (the default .data; a folder the operator chose elsewhere keeps the mode the operator gave it). PostgreSQL keeps
    /// its files in its own data directory, owner-only by PostgreSQL's rule.</summary>
    public static void TightenExisting(IConfiguration config)
    {
        if (OperatingSystem.IsWindows() || DatabaseSetup.Provider(config) != "sqlite") return;
        var database = Path.GetFullPath(DatabaseSetup.SqliteFile(config));
        var folder = Path.GetDirectoryName(database)!;
        if (Path.GetFileName(folder) == ".data" && Directory.Exists(folder)) new DirectoryInfo(folder).UnixFileMode = FolderMode;
        foreach (var f in new[] { database, database + "-wal", database + "-shm", Path.Combine(folder, ServerSecret.FileName),
                     Path.Combine(folder, Features.Accounts.AccountsSetup.PasswordFile) })
            Tighten(f);
    }
}
