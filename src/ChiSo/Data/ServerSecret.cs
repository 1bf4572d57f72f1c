using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace ChiSo.Data;

/// <summary>The one secret of a deployment that is never in the database: the survey markers (<c>survey-markers</c>) and the
/// encryption of the data-protection keys (<c>data-protection</c>) use keys derived from it (HKDF-SHA256, one per purpose),
/// so a copy of the database or of a backup holds nothing that opens them (docs/decisions/0014).
/// <para><c>Security:Secret</c> (base64, at least 32 bytes; <c>openssl rand -base64 48</c>) or <c>Security:SecretFile</c>
/// (a file holding that text). With SQLite and neither set, a secret is made once into <c>secret.key</c> beside the database
/// file (owner-only) and reused, so <c>./chiso serve</c> works with nothing configured. With PostgreSQL several instances
/// must share it, so a missing secret stops the start.</para></summary>
public sealed class ServerSecret
{
    public const string Setting = "Security:Secret";
    public const string FileSetting = "Security:SecretFile";
    public const string FileName = "secret.key";
    public const int MinBytes = 32;

    readonly byte[] secret;

    public ServerSecret(byte[] secret)
    {
        if (secret.Length < MinBytes) throw new ServerSecretException($"{Setting} phải dài ít nhất {MinBytes} byte (hiện có {secret.Length}).",
            $"{Setting} must be at least {MinBytes} bytes (it has {secret.Length}).");
        this.secret = secret;
    }

    /// <summary>A 256-bit key for one purpose. Purposes never share a key, so the markers' key opens no data-protection key.</summary>
    public byte[] Key(string purpose) => HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: [], info: Encoding.UTF8.GetBytes("chiso:" + purpose));

    public static ServerSecret Parse(string base64, string source)
    {
        try { return new ServerSecret(Convert.FromBase64String(base64.Trim())); }
        catch (FormatException)
        {
            throw new ServerSecretException($"{source} không phải chuỗi base64 (tạo bằng: openssl rand -base64 48).",
                $"{source} is not base64 (make one with: openssl rand -base64 48).");
        }
    }

    public static ServerSecret Load(IConfiguration config)
    {
        if (config[Setting] is { Length: > 0 } inline) return Parse(inline, Setting);
        if (config[FileSetting] is { Length: > 0 } path)
        {
            if (!File.Exists(path))
                throw new ServerSecretException($"Không có tệp {path} ({FileSetting}).", $"The file {path} ({FileSetting}) does not exist.");
            return Parse(File.ReadAllText(path), $"{FileSetting} ({path})");
        }
        if (DatabaseSetup.Provider(config) != "sqlite")
            throw new ServerSecretException(
                $"Chưa cấu hình khóa bí mật của máy chủ. Với PostgreSQL, mọi phiên bản của ứng dụng phải dùng chung một khóa: đặt {Setting} " +
                $"(biến môi trường Security__Secret, tạo bằng: openssl rand -base64 48) hoặc {FileSetting} (đường dẫn tới tệp chứa khóa). " +
                "Khóa không được nằm trong cơ sở dữ liệu và phải được sao lưu riêng.",
                $"The server secret is not configured. With PostgreSQL every instance must share one: set {Setting} (environment variable " +
                $"Security__Secret, made with: openssl rand -base64 48) or {FileSetting} (the path of a file holding it). Keep it out of the " +
                "database and back it up separately.");
        return FromFileBeside(DatabaseSetup.SqliteFile(config));
    }

    /// <summary>SQLite without a configured secret: <c>secret.key</c> beside the database, made on the first start. Written to a
    /// temporary name and then moved without overwriting, so two processes starting at once end up with the same secret.</summary>
    static ServerSecret FromFileBeside(string databaseFile)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(databaseFile)) ?? ".";
        OwnerOnlyFiles.CreateFolder(folder);
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            OwnerOnlyFiles.WriteAllText(temporary, Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)) + "\n");
            try { File.Move(temporary, path, overwrite: false); }
            catch (IOException) when (File.Exists(path)) { File.Delete(temporary); }
        }
        return Parse(File.ReadAllText(path), path);
    }
}

/// <summary>A missing or unusable server secret: the message in Vietnamese, then in English, naming the setting.</summary>
public sealed class ServerSecretException(string vietnamese, string english) : InvalidOperationException(vietnamese + Environment.NewLine + english);
