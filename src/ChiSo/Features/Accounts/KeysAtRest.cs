using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using ChiSo.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChiSo.Features.Accounts;

/// <summary>The data-protection keys (they sign and encrypt the login cookies and antiforgery tokens) live in the database, so
/// that every instance shares them, and so they are in every backup. Each key's secret part is encrypted there with AES-256-GCM
/// under a key derived from the server secret (<see cref="ServerSecret"/>, purpose "data-protection"): a copy of the database
/// alone cannot forge a session. Decision 0014 says why this and not a certificate.</summary>
public static class KeysAtRest
{
    public static IDataProtectionBuilder AddChiSoDataProtection(this IServiceCollection services)
    {
        var builder = services.AddDataProtection().SetApplicationName("ChiSo").PersistKeysToDbContext<ChiSoDb>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlEncryptor = new SecretXmlEncryptor(sp.GetRequiredService<ServerSecret>())));
        return builder;
    }

    /// <summary>Keys written before keys were encrypted hold their secret in clear (<c>&lt;masterKey&gt;</c>): they are deleted
    /// before the key ring is first read, and a new, encrypted key is made on first use. Sessions signed with the old key end
    /// (users sign in again once). Returns how many went.</summary>
    public static Task<int> DropUnencryptedAsync(ChiSoDb db, CancellationToken ct = default) =>
        db.DataProtectionKeys.Where(k => k.Xml != null && k.Xml.Contains("<masterKey")).ExecuteDeleteAsync(ct);

    internal static byte[] KeyOf(ServerSecret secret) => secret.Key("data-protection");

    // Bound to the purpose: a value encrypted here opens nowhere else, even under the same key.
    internal static readonly byte[] Associated = Encoding.UTF8.GetBytes("chiso:data-protection-key:v1");
    internal static readonly XNamespace Ns = "urn:chiso:data-protection";
}

/// <summary>Encrypts a key's XML: nonce (12 bytes), tag (16), ciphertext, in base64.</summary>
public sealed class SecretXmlEncryptor(ServerSecret secret) : IXmlEncryptor
{
    readonly byte[] key = KeysAtRest.KeyOf(secret);

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[12 + 16 + plain.Length];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, 16))
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), KeysAtRest.Associated);
        CryptographicOperations.ZeroMemory(plain);
        var element = new XElement(KeysAtRest.Ns + "encryptedKey",
            new XComment(" AES-256-GCM under a key derived from Security:Secret (docs/decisions/0014) "),
            new XElement(KeysAtRest.Ns + "value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(SecretXmlDecryptor));
    }
}

/// <summary>Made by the data-protection system from the type named in the stored XML, with the app's services.</summary>
public sealed class SecretXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = KeysAtRest.KeyOf(services.GetRequiredService<ServerSecret>());
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element(KeysAtRest.Ns + "value")
            ?? throw new CryptographicException("Khóa bảo vệ dữ liệu đã mã hóa thiếu phần <value>."));
        if (sealedBytes.Length < 28) throw new CryptographicException("Khóa bảo vệ dữ liệu đã mã hóa bị cắt cụt.");
        var plain = new byte[sealedBytes.Length - 28];
        using (var aes = new AesGcm(key, 16))
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plain, KeysAtRest.Associated);
        try { return XElement.Parse(Encoding.UTF8.GetString(plain)); }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }
}
