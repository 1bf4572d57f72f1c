using System.Reflection;
using ChiSo.Features.Frameworks;
using SkiaSharp;

namespace ChiSo.Features.Assessments;

/// <summary>Noto Sans for PDFs: the system's copy when fonts-noto-core is installed, else the copy embedded in this
/// assembly (docs/third-party-fonts.md). DejaVu and the like drop stacked Vietnamese diacritics.</summary>
public static class PdfFonts
{
    const string SystemDir = "/usr/share/fonts/truetype/noto/";
    static readonly Lazy<SKTypeface> regular = new(() => Load("NotoSans-Regular.ttf"));
    static readonly Lazy<SKTypeface> bold = new(() => Load("NotoSans-Bold.ttf"));

    public static SKTypeface Regular => regular.Value;
    public static SKTypeface Bold => bold.Value;

    static SKTypeface Load(string file) =>
        (File.Exists(SystemDir + file) ? SKTypeface.FromFile(SystemDir + file) : null) ?? Embedded(file);

    /// <summary>The copy shipped inside ChiSo.dll.</summary>
    public static SKTypeface Embedded(string file)
    {
        using var stream = typeof(PdfFonts).Assembly.GetManifestResourceStream("ChiSo.Fonts." + file)
            ?? throw new InvalidOperationException($"Font {file} is not embedded in {typeof(PdfFonts).Assembly.GetName().Name}.");
        return SKTypeface.FromData(SKData.Create(stream)) ?? throw new InvalidOperationException($"Font {file} could not be read.");
    }
}

/// <summary>A unit's scorecard as a PDF drawn with SkiaSharp on A4: header, totals, a bar per field, and the
/// criterion table (text wrapped, header repeated on every page), "Trang x/y" at the foot and a "TẠM TÍNH"
/// watermark until the cycle is published. Pages are laid out first and drawn second, so the page count is known.</summary>
public static class ScorecardPdf
{
    const float PageWidth = 595.28f, PageHeight = 841.89f, Margin = 42f, Bottom = PageHeight - 48f;
    const float Width = PageWidth - 2 * Margin;

    public static void Write(Scorecard s, Stream output)
    {
        var pdf = new Pages();
        var a = s.Assessment;
        pdf.Header();
        pdf.Gap(10);
        if (s.Provisional) pdf.Paragraph("TẠM TÍNH — kết quả chưa được công bố, có thể còn thay đổi", 10, bold: true, align: SKTextAlign.Center, color: Red);
        pdf.Paragraph("PHIẾU KẾT QUẢ", 14, bold: true, align: SKTextAlign.Center);
        pdf.Paragraph($"Chỉ số cải cách hành chính năm {a.Year}", 12, bold: true, align: SKTextAlign.Center);
        pdf.Paragraph(a.UnitName, 13, bold: true, align: SKTextAlign.Center);
        pdf.Gap(8);
        pdf.Paragraph($"Kỳ đánh giá: {a.CycleName}. Nhóm xếp hạng: {a.Group}.", 10);
        pdf.Paragraph($"Bộ chỉ số: {s.FrameworkName}, phiên bản {s.Version}.", 10);
        pdf.Paragraph(s.CouncilReference is null ? "Hội đồng thẩm định chưa chốt kết quả."
            : $"Kết quả đã được Hội đồng thẩm định chốt theo {s.CouncilReference}" + (s.CouncilDate is { } d ? $" ngày {ViText.Date(d)}." : "."), 10);
        pdf.Gap(6);
        pdf.Paragraph("I. KẾT QUẢ TỔNG HỢP", 11, bold: true);
        var summary = AssessmentWord.Summary(s);
        pdf.Table([Width * 0.6f, Width * 0.4f], ["Nội dung", "Kết quả"], summary.Select(x => new Row([x.Label, x.Value], x.Label == "Tổng điểm")).ToList(),
            alignRight: i => i == 1);
        if (s.Fields.Count > 0)
        {
            pdf.Gap(6);
            pdf.Paragraph("Tỷ lệ điểm đạt theo lĩnh vực", 10, bold: true);
            pdf.Bars(s.Fields.Select(f => ($"{f.Code}. {f.Name}", f.Percent)).ToList());
        }
        pdf.Gap(6);
        pdf.Paragraph("II. ĐIỂM THEO TIÊU CHÍ", 11, bold: true);
        pdf.Table([40, 0, 38, 42, 45, 50, 40, 50],
            ["Mã", "Tiêu chí", "Tối đa", "Tự chấm", "Thẩm định", "Điểm chính thức", "Điểm bị mất", "So với năm trước"],
            s.Lines.Select(l => new Row(AssessmentWord.LineCells(l), !l.IsLeaf, l.Depth)).ToList(), alignRight: i => i >= 2);
        pdf.Gap(4);
        pdf.Paragraph("Điểm chính thức: điểm Hội đồng chốt (hoặc điểm thẩm định, điểm tự chấm khi chưa có); (XHH): tiêu chí chấm qua điều tra " +
            $"xã hội học. So với năm trước: chênh lệch với điểm đã công bố năm {a.Year - 1} của cùng tiêu chí.", 8, italic: true);

        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"Phiếu kết quả chỉ số CCHC năm {a.Year} — {a.UnitName}",
            Author = "Sở Nội vụ",
            Creator = "ChiSo",
            Producer = "ChiSo (SkiaSharp)",
            RasterDpi = 300,
        };
        using var document = SKDocument.CreatePdf(output, metadata);
        for (var i = 0; i < pdf.All.Count; i++)
        {
            var canvas = document.BeginPage(PageWidth, PageHeight);
            if (s.Provisional) Watermark(canvas);
            foreach (var draw in pdf.All[i]) draw(canvas);
            using (var font = new SKFont(PdfFonts.Regular, 8))
            using (var paint = new SKPaint { Color = SKColors.Gray, IsAntialias = true })
            {
                canvas.DrawText(ViText.Normal($"{a.UnitName} — phiếu kết quả năm {a.Year}"), Margin, PageHeight - 24, SKTextAlign.Left, font, paint);
                canvas.DrawText($"Trang {i + 1}/{pdf.All.Count}", PageWidth - Margin, PageHeight - 24, SKTextAlign.Right, font, paint);
            }
            document.EndPage();
        }
        document.Close();
    }

    static readonly SKColor Red = new(0xB0, 0x1E, 0x1E);

    static void Watermark(SKCanvas canvas)
    {
        using var font = new SKFont(PdfFonts.Bold, 96);
        using var paint = new SKPaint { Color = new SKColor(0xC0, 0x30, 0x30, 0x30), IsAntialias = true };
        canvas.Save();
        canvas.Translate(PageWidth / 2, PageHeight / 2);
        canvas.RotateDegrees(-40);
        canvas.DrawText("TẠM TÍNH", 0, 32, SKTextAlign.Center, font, paint);
        canvas.Restore();
    }

    sealed record Row(string[] Cells, bool Bold, int Depth = 0);

    /// <summary>The pages as lists of drawing steps, filled top-down.</summary>
    sealed class Pages
    {
        public List<List<Action<SKCanvas>>> All { get; } = [[]];
        float y = Margin;
        List<Action<SKCanvas>> Page => All[^1];

        void NewPage() { All.Add([]); y = Margin; }

        void Ensure(float height) { if (y + height > Bottom && y > Margin) NewPage(); }

        public void Gap(float h) => y += h;

        static SKFont Font(float size, bool bold, bool italic = false)
        {
            var f = new SKFont(bold ? PdfFonts.Bold : PdfFonts.Regular, size);
            if (italic) f.SkewX = -0.2f;
            return f;
        }

        /// <summary>Greedy word wrap; a word longer than the line is cut by characters.</summary>
        static List<string> Wrap(string text, SKFont font, float width)
        {
            var lines = new List<string>();
            // Precomposed letters: the drawing maps characters to glyphs one by one, without shaping.
            foreach (var para in ViText.Normal(text).Split('\n'))
            {
                var line = "";
                foreach (var word in para.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var candidate = line.Length == 0 ? word : line + " " + word;
                    if (font.MeasureText(candidate) <= width) { line = candidate; continue; }
                    if (line.Length > 0) lines.Add(line);
                    line = word;
                    while (font.MeasureText(line) > width && line.Length > 1)
                    {
                        var n = line.Length - 1;
                        while (n > 1 && font.MeasureText(line[..n]) > width) n--;
                        lines.Add(line[..n]);
                        line = line[n..];
                    }
                }
                lines.Add(line);
            }
            return lines;
        }

        public void Paragraph(string text, float size, bool bold = false, bool italic = false, SKTextAlign align = SKTextAlign.Left, SKColor? color = null)
        {
            var font = Font(size, bold, italic);
            var lh = size * 1.35f;
            foreach (var line in Wrap(text, font, Width))
            {
                Ensure(lh);
                var baseline = y + size;
                var x = align switch { SKTextAlign.Center => Margin + Width / 2, SKTextAlign.Right => Margin + Width, _ => Margin };
                var ink = color ?? SKColors.Black;
                Page.Add(c => { using var p = new SKPaint { Color = ink, IsAntialias = true }; c.DrawText(line, x, baseline, align, font, p); });
                y += lh;
            }
        }

        /// <summary>Issuer and national motto side by side, as in administrative documents.</summary>
        public void Header()
        {
            var regular = Font(9, false);
            var bold = Font(9, true);
            var left = Margin + Width * 0.22f;
            var right = Margin + Width * 0.68f;
            var top = y;
            Page.Add(c =>
            {
                using var p = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = 0.6f };
                c.DrawText("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", left, top + 9, SKTextAlign.Center, regular, p);
                c.DrawText("SỞ NỘI VỤ", left, top + 21, SKTextAlign.Center, bold, p);
                c.DrawLine(left - 25, top + 25, left + 25, top + 25, p);
                c.DrawText("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right, top + 9, SKTextAlign.Center, bold, p);
                c.DrawText("Độc lập - Tự do - Hạnh phúc", right, top + 21, SKTextAlign.Center, bold, p);
                c.DrawLine(right - 60, top + 25, right + 60, top + 25, p);
            });
            y += 30;
        }

        /// <summary>Horizontal bars of percent, 0–100, one per field.</summary>
        public void Bars(List<(string Label, decimal Percent)> bars)
        {
            var font = Font(8, false);
            const float h = 11, labelWidth = 230, barMax = Width - labelWidth - 40;
            foreach (var (label, percent) in bars)
            {
                Ensure(h + 3);
                var top = y;
                var text = Wrap(label, font, labelWidth - 6)[0];
                var w = barMax * (float)Math.Clamp(percent, 0, 100) / 100;
                Page.Add(c =>
                {
                    using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
                    using var back = new SKPaint { Color = new SKColor(0xEE, 0xEE, 0xEE) };
                    using var bar = new SKPaint { Color = new SKColor(0x2E, 0x6D, 0xA4) };
                    c.DrawText(text, Margin, top + 8.5f, SKTextAlign.Left, font, ink);
                    c.DrawRect(Margin + labelWidth, top + 1, barMax, h - 2, back);
                    c.DrawRect(Margin + labelWidth, top + 1, w, h - 2, bar);
                    c.DrawText(ViText.Num(percent) + " %", Margin + labelWidth + barMax + 4, top + 8.5f, SKTextAlign.Left, font, ink);
                });
                y += h + 3;
            }
        }

        /// <summary>A bordered table; a width of 0 takes what the others leave. The header row is drawn again at the
        /// top of every page the table runs onto.</summary>
        public void Table(float[] widths, string[] headers, List<Row> rows, Func<int, bool> alignRight)
        {
            var flexible = Width - widths.Sum();
            widths = [.. widths.Select(w => w == 0 ? flexible : w)];
            var body = Font(8, false);
            var strong = Font(8, true);
            const float pad = 3, lh = 10.5f;

            (List<string>[] Cells, float Height) Measure(string[] cells, SKFont font, int depth)
            {
                var wrapped = cells.Select((t, i) => Wrap(t, font, widths[i] - 2 * pad - (i == 1 ? depth * 6 : 0))).ToArray();
                return (wrapped, wrapped.Max(l => l.Count) * lh + 2 * pad);
            }

            void Draw(List<string>[] cells, float height, SKFont font, bool header, int depth)
            {
                var top = y;
                Page.Add(c =>
                {
                    using var line = new SKPaint { Color = new SKColor(0x80, 0x80, 0x80), Style = SKPaintStyle.Stroke, StrokeWidth = 0.5f };
                    using var fill = new SKPaint { Color = new SKColor(0xEC, 0xF1, 0xF7) };
                    using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
                    var x = Margin;
                    for (var i = 0; i < widths.Length; i++)
                    {
                        if (header) c.DrawRect(x, top, widths[i], height, fill);
                        c.DrawRect(x, top, widths[i], height, line);
                        for (var k = 0; k < cells[i].Count; k++)
                        {
                            var baseline = top + pad + lh * k + 8;
                            if (header) c.DrawText(cells[i][k], x + widths[i] / 2, baseline, SKTextAlign.Center, font, ink);
                            else if (alignRight(i)) c.DrawText(cells[i][k], x + widths[i] - pad, baseline, SKTextAlign.Right, font, ink);
                            else c.DrawText(cells[i][k], x + pad + (i == 1 ? depth * 6 : 0), baseline, SKTextAlign.Left, font, ink);
                        }
                        x += widths[i];
                    }
                });
                y += height;
            }

            var head = Measure(headers, strong, 0);
            Ensure(head.Height + lh * 2);
            Draw(head.Cells, head.Height, strong, header: true, 0);
            foreach (var row in rows)
            {
                var font = row.Bold ? strong : body;
                var m = Measure(row.Cells, font, row.Depth);
                if (y + m.Height > Bottom)
                {
                    NewPage();
                    Draw(head.Cells, head.Height, strong, header: true, 0);
                }
                Draw(m.Cells, m.Height, font, header: false, row.Depth);
            }
        }
    }
}
