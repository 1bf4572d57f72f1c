using QRCoder;

namespace ChiSo.Features.Surveys;

/// <summary>QR codes of the public form, to print on posters at a service counter or on a dossier's receipt.
/// PngByteQRCode writes the PNG itself: no System.Drawing, which does not run on Linux.</summary>
public static class RoundsQr
{
    /// <summary>Dossier codes are printed on receipts; anything longer or stranger is a typing mistake, not a dossier.</summary>
    public static bool IsDossierCode(string? s) =>
        s is { Length: >= 1 and <= 64 } && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');

    /// <summary>A PNG of <paramref name="url"/>; medium error correction survives a smudged print.</summary>
    public static byte[] Png(string url, int pixelsPerModule = 8)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }
}
