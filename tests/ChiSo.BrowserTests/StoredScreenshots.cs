using Microsoft.Playwright;
using SkiaSharp;
using Xunit.Abstractions;

namespace ChiSo.BrowserTests;

/// <summary>A page as the window shows it, compared with the picture stored in the repository
/// (tests/ChiSo.BrowserTests/Screenshots/&lt;name&gt;.png). What changes from run to run (dates, counters, names made up by
/// a test) is painted over through Playwright's mask before the comparison. A pixel differs when one of its channels is
/// off by more than <see cref="ChannelTolerance"/> (font smoothing on another machine moves edges by less); the page
/// matches while at most <see cref="MaxShare"/> of its pixels differ — a menu over the page or a column that moved is far
/// more. A missing picture is written and the test says so; CHISO_UPDATE_SCREENSHOTS=1 writes them all again; a
/// mismatch leaves the page as taken and a picture of the differences under artifacts/screenshots.</summary>
static class StoredScreenshots
{
    public const int ChannelTolerance = 48;
    public const double MaxShare = 0.02;

    static string Folder => Path.Combine(Screenshots.Repository ?? throw new InvalidOperationException("Không tìm thấy thư mục mã nguồn (ChiSo.slnx)."),
        "tests", "ChiSo.BrowserTests", "Screenshots");

    public static Task MatchAsync(IPage page, string name, ITestOutputHelper output, params ILocator[] masks) =>
        MatchAsync(page, name, output, null, masks);

    /// <summary>With <paramref name="style"/> applied while the picture is taken (to leave out a region whose size varies).</summary>
    public static async Task MatchAsync(IPage page, string name, ITestOutputHelper output, string? style, params ILocator[] masks)
    {
        // The top of the page, fonts loaded, no caret, no transition half-way, no hover left by the last click.
        await page.Mouse.MoveAsync(0, page.ViewportSize!.Height - 1);
        await page.EvaluateAsync("async () => { window.scrollTo(0, 0); await document.fonts.ready; }");
        await Assertions.Expect(page.Locator(".mud-progress-indeterminate")).ToHaveCountAsync(0);
        var taken = await page.ScreenshotAsync(new()
        {
            Mask = masks, MaskColor = "#FF00FF", Animations = ScreenshotAnimations.Disabled, Caret = ScreenshotCaret.Hide, Scale = ScreenshotScale.Css, Style = style,
        });
        var stored = Path.Combine(Folder, name + ".png");
        var had = File.Exists(stored);
        if (Environment.GetEnvironmentVariable("CHISO_UPDATE_SCREENSHOTS") == "1" || !had)
        {
            Directory.CreateDirectory(Folder);
            await File.WriteAllBytesAsync(stored, taken);
            output.WriteLine($"Ảnh mẫu {name}.png {(had ? "đã được ghi lại" : "chưa có, nay đã ghi")}: {stored}. Hãy xem ảnh rồi đưa vào git.");
            return;
        }

        var (share, diff) = Compare(await File.ReadAllBytesAsync(stored), taken);
        if (share <= MaxShare) return;
        var actualPath = Screenshots.Path(name + ".actual.png");
        await File.WriteAllBytesAsync(actualPath, taken);
        var diffPath = Screenshots.Path(name + ".diff.png");
        if (diff is not null) await File.WriteAllBytesAsync(diffPath, diff);
        Assert.Fail($"Trang khác ảnh mẫu {name}.png: {share:P1} điểm ảnh khác (cho phép {MaxShare:P0}). Ảnh chụp: {actualPath}"
            + (diff is null ? " (kích thước khác ảnh mẫu)" : $"; chỗ khác (đỏ): {diffPath}")
            + ". Nếu thay đổi là cố ý: CHISO_UPDATE_SCREENSHOTS=1.");
    }

    /// <summary>The share of pixels that differ, and a picture of them in red over a faded copy of the stored one
    /// (null when the sizes differ: then everything differs).</summary>
    internal static (double Share, byte[]? Diff) Compare(byte[] expected, byte[] actual)
    {
        using var a = SKBitmap.Decode(expected);
        using var b = SKBitmap.Decode(actual);
        if (a.Width != b.Width || a.Height != b.Height) return (1, null);
        var pa = a.Pixels;
        var pb = b.Pixels;
        var marked = new SKColor[pa.Length];
        var differing = 0;
        for (var i = 0; i < pa.Length; i++)
        {
            var (x, y) = (pa[i], pb[i]);
            var off = Math.Max(Math.Abs(x.Red - y.Red), Math.Max(Math.Abs(x.Green - y.Green), Math.Abs(x.Blue - y.Blue)));
            if (off > ChannelTolerance)
            {
                differing++;
                marked[i] = new SKColor(230, 0, 0);
            }
            else
            {
                var grey = (byte)(215 + (x.Red + x.Green + x.Blue) / 3 * 40 / 255);
                marked[i] = new SKColor(grey, grey, grey);
            }
        }
        using var picture = new SKBitmap(a.Width, a.Height) { Pixels = marked };
        using var png = picture.Encode(SKEncodedImageFormat.Png, 100);
        return ((double)differing / pa.Length, png.ToArray());
    }
}
