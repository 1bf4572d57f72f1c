using System.Globalization;
using ChiSo.Features.Audit;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace ChiSo.Features.Reports;

/// <summary>The consolidated report as a Word file in the layout of Vietnamese administrative documents
/// (Nghị định 30/2020/NĐ-CP): issuer and national header side by side, number, place and date, title, body,
/// recipients and signature; Times New Roman 13–14 pt on A4.
/// Child elements are appended in schema order on purpose: Word tolerates disorder, validators and
/// LibreOffice do not always.
/// The building blocks (header, paragraphs, tables, closing) are internal so the other administrative documents
/// (the assessment's scorecard and ranking) are laid out the same way.</summary>
public static class ReportWord
{
    const string Font = "Times New Roman";
    // Sizes in half-points.
    internal const int Body = 28, Small = 26, Note = 24, Tiny = 22;
    // A4 with 3 cm left and 2 cm other margins: 11906 - 1701 - 1134 twips of text width.
    internal const int TextWidth = 9071, LandscapeTextWidth = 14003;

    /// <summary>The first day of two-tier local government: Resolution 1656/NQ-UBTVQH15 abolished the districts and
    /// made 126 communes and wards (the registry's establishment event of that day).</summary>
    public static readonly DateOnly TwoTierFrom = new(2025, 7, 1);

    public static readonly IReadOnlyList<string> Recipients = RecipientsOn(DateOnly.MaxValue);

    /// <summary>Who the report goes to on a day: the local level that exists then.</summary>
    public static IReadOnlyList<string> RecipientsOn(DateOnly day) =>
    [
        "UBND Thành phố (để báo cáo);",
        "Bộ Nội vụ (để báo cáo);",
        "Các sở, ban, ngành Thành phố;",
        day < TwoTierFrom ? "UBND các quận, huyện, thị xã;" : "UBND các xã, phường;",
        "Lưu: VT, CCHC.",
    ];

    public static void Write(Consolidation c, DateOnly issuedOn, Stream stream) => WriteDocument(stream, body =>
    {
        var p = c.Period;
        var f = c.Filing;

        body.Append(Header(issuedOn));
        body.Append(Para(JustificationValues.Center, 240, 0, null, Run("BÁO CÁO", bold: true)));
        body.Append(Para(JustificationValues.Center, 0, 240, null,
            Run($"Kết quả thực hiện công tác cải cách hành chính {p.Phrase}", bold: true)));

        body.Append(Heading("I. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ"));
        body.Append(Text($"Thời gian chốt số liệu từ ngày {ViText.Date(p.Start)} đến ngày {ViText.Date(p.End)}; hạn gửi báo cáo ngày {ViText.Date(p.Due)}. " +
            $"Đến ngày {ViText.Date(f.AsOf)}, {f.Submitted}/{f.Units} cơ quan, đơn vị đã gửi báo cáo; {f.Drafts} đơn vị đang soạn thảo; " +
            $"{f.Missing} đơn vị chưa lập báo cáo; {f.Late} đơn vị chậm gửi."));
        var late = f.Rows.Where(r => r.Late).Select(r => r.Name).ToList();
        if (late.Count > 0) body.Append(Text("Các cơ quan, đơn vị chậm gửi báo cáo: " + string.Join(", ", late) + "."));

        body.Append(Heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"));
        var n = 0;
        foreach (var area in c.Areas)
        {
            body.Append(Heading($"{++n}. {area.Area.Name}"));
            if (area.Texts.Count == 0) body.Append(Text("Chưa có cơ quan, đơn vị báo cáo nội dung này.", italic: true));
            foreach (var t in area.Texts)
            {
                var lines = t.Text.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var i = 0; i < lines.Length; i++)
                    body.Append(i == 0
                        ? Para(JustificationValues.Both, 60, 60, 567, Run(t.Unit + (t.Thematic ? " (báo cáo chuyên đề)" : "") + ": ", bold: true), Run(lines[0]))
                        : Text(lines[i]));
            }
        }

        body.Append(Heading("III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"));
        if (c.Kpis.Count == 0) body.Append(Text("Không có số liệu chỉ tiêu trong các báo cáo đã gửi.", italic: true));
        else
            body.Append(DataTable([600, 1900, 3171, 1100, 1100, 1200], ["TT", "Đơn vị", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Đánh giá"],
                c.Kpis.Select((k, i) => new[]
                {
                    (i + 1).ToString(CultureInfo.InvariantCulture), k.Unit, k.Kpi.Metric,
                    $"{k.Kpi.Comparator} {ViText.Num(k.Kpi.Threshold)}{UnitSuffix(k.Kpi.Unit)}".Trim(),
                    k.Kpi.Value is { } v ? ViText.Num(v) + UnitSuffix(k.Kpi.Unit) : "—",
                    k.Kpi.Met switch { true => "Đạt", false => "Chưa đạt", _ => "—" },
                })));

        body.Append(Heading("IV. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO"));
        if (c.Tasks.Count == 0) body.Append(Text("Không có nhiệm vụ được giao chủ trì trong các báo cáo đã gửi.", italic: true));
        else
        {
            var overdue = c.Tasks.Count(t => t.Task.Overdue);
            var done = c.Tasks.Count(t => t.Task.Status == Plans.ProgressStatus.Done);
            body.Append(Text($"Tổng số {c.Tasks.Count} nhiệm vụ; đã hoàn thành {done}; quá hạn chưa hoàn thành {overdue} (tính đến ngày {ViText.Date(p.End)})."));
            body.Append(DataTable([600, 1800, 3171, 1300, 1400, 800], ["TT", "Đơn vị chủ trì", "Nhiệm vụ", "Thời hạn", "Tình trạng", "Tiến độ"],
                c.Tasks.Select((t, i) => new[]
                {
                    (i + 1).ToString(CultureInfo.InvariantCulture), t.Unit, $"{t.Task.Number}. {t.Task.Description}",
                    t.Task.DeadlineText ?? ViText.Date(t.Task.Due),
                    ReportStates.Vietnamese(t.Task.Status) + (t.Task.Overdue ? " (quá hạn)" : ""),
                    $"{t.Task.Percent} %",
                })));
        }

        body.Append(Para(JustificationValues.Both, 120, 120, 567,
            Run($"Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính {p.Phrase}, Sở Nội vụ báo cáo Ủy ban nhân dân Thành phố./.")));
        // A letter goes to units that exist when it is sent, and a period after the reform speaks of the new ones.
        body.Append(Closing(RecipientsOn(p.End > issuedOn ? p.End : issuedOn)));
        if (c.AuditHead is { } head) body.Append(AuditLine(head));
    });

    /// <summary>The audit chain's head, closing a document so that a later change of the log shows against the paper copy.</summary>
    internal static Paragraph AuditLine(AuditHead head) => Para(JustificationValues.Left, 240, 0, null,
        Run(head.Text + ".", italic: true, size: Note), Run(" Mã đầy đủ: " + head.Hash, italic: true, size: Tiny));

    /// <summary>An A4 Word document with the house styles; <paramref name="content"/> appends the body.</summary>
    internal static void WriteDocument(Stream stream, Action<Body> content, bool landscape = false)
    {
        using var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document);
        var main = doc.AddMainDocumentPart();
        AddStyles(main);
        var body = new Body();
        content(body);
        body.Append(new SectionProperties(
            landscape ? new PageSize { Width = 16838U, Height = 11906U, Orient = PageOrientationValues.Landscape } : new PageSize { Width = 11906U, Height = 16838U },
            new PageMargin { Top = 1134, Right = 1134U, Bottom = 1134, Left = 1701U, Header = 720U, Footer = 720U, Gutter = 0U }));
        main.Document = new Document(body);
        main.Document.Save();
    }

    static string UnitSuffix(string? unit) => unit switch { null or "" => "", "%" => " %", _ => " " + unit };

    /// <summary>"Hà Nội, ngày 05 tháng 04 năm 2024".</summary>
    public static string PlaceAndDate(DateOnly d) => $"Hà Nội, ngày {d.Day:00} tháng {d.Month:00} năm {d.Year}";

    /// <summary>Issuer and national motto side by side; <paramref name="number"/> is the document's number line.</summary>
    internal static Table Header(DateOnly issuedOn, string number = "Số:        /BC-SNV")
    {
        var left = new[]
        {
            Para(JustificationValues.Center, 0, 0, null, Run("ỦY BAN NHÂN DÂN", size: Small)),
            Para(JustificationValues.Center, 0, 0, null, Run("THÀNH PHỐ HÀ NỘI", size: Small)),
            Para(JustificationValues.Center, 0, 120, null, Run("SỞ NỘI VỤ", bold: true, size: Small)),
            Para(JustificationValues.Center, 0, 0, null, Run(number, size: Small)),
        };
        var right = new[]
        {
            Para(JustificationValues.Center, 0, 0, null, Run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold: true, size: Small)),
            Para(JustificationValues.Center, 0, 120, null, Run("Độc lập - Tự do - Hạnh phúc", bold: true)),
            Para(JustificationValues.Center, 0, 0, null, Run(PlaceAndDate(issuedOn), italic: true)),
        };
        return Layout([3400, TextWidth - 3400], left, right);
    }

    /// <summary>Recipients on the left, the signer's title on the right.</summary>
    internal static Table Closing(IEnumerable<string>? recipients = null, string signer = "GIÁM ĐỐC")
    {
        var left = new List<Paragraph> { Para(JustificationValues.Left, 240, 0, null, Run("Nơi nhận:", bold: true, italic: true, size: Note)) };
        left.AddRange((recipients ?? Recipients).Select(r => Para(JustificationValues.Left, 0, 0, null, Run("- " + r, size: Tiny))));
        var right = new[]
        {
            Para(JustificationValues.Center, 240, 0, null, Run(signer, bold: true)),
        };
        return Layout([4500, TextWidth - 4500], left, right);
    }

    /// <summary>A table without borders, used to set blocks side by side as administrative documents do.</summary>
    internal static Table Layout(int[] widths, IEnumerable<Paragraph> left, IEnumerable<Paragraph> right)
    {
        var table = new Table(TableProps(widths, border: BorderValues.Nil), Grid(widths));
        table.Append(new TableRow(Cell(widths[0], left), Cell(widths[1], right)));
        return table;
    }

    /// <summary>A bordered table whose header row repeats on every page. Columns 0 and from 3 on are centred unless
    /// <paramref name="centered"/> says otherwise; rows <paramref name="bold"/> picks are set in bold (a field's subtotal).</summary>
    internal static Table DataTable(int[] widths, string[] headers, IEnumerable<string[]> rows, Func<int, bool>? centered = null,
        Func<string[], bool>? bold = null)
    {
        centered ??= i => i == 0 || i >= 3;
        var table = new Table(TableProps(widths, border: BorderValues.Single), Grid(widths));
        // The header row repeats on every page.
        var head = new TableRow(new TableRowProperties(new TableHeader()));
        head.Append(headers.Select(h => StyledCell(HeadStyle, h)));
        table.Append(head);
        // Data cells take their look from paragraph styles and their width from the grid: a consolidated report
        // has thousands of cells, and per-cell properties tripled the time to build and save it.
        foreach (var row in rows)
        {
            var strong = bold?.Invoke(row) == true;
            table.Append(new TableRow(row.Select((v, i) => StyledCell(centered(i) ? strong ? CenterBoldStyle : CenterStyle : strong ? BoldStyle : CellStyle, v))));
        }
        return table;
    }

    const string CellStyle = "ChiSoCell", CenterStyle = "ChiSoCellCenter", HeadStyle = "ChiSoCellHead",
        BoldStyle = "ChiSoCellBold", CenterBoldStyle = "ChiSoCellCenterBold";

    static TableCell StyledCell(string style, string text) => new(new Paragraph(
        new ParagraphProperties(new ParagraphStyleId { Val = style }),
        new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve })));

    static Style CellParagraphStyle(string id, string name, JustificationValues jc, bool bold)
    {
        var run = new StyleRunProperties();
        if (bold) run.Append(new Bold());
        run.Append(new FontSize { Val = Small.ToString(CultureInfo.InvariantCulture) },
            new FontSizeComplexScript { Val = Small.ToString(CultureInfo.InvariantCulture) });
        return new Style(
            new StyleName { Val = name },
            new StyleParagraphProperties(new SpacingBetweenLines { Before = "0", After = "0" }, new Justification { Val = jc }),
            run)
        { Type = StyleValues.Paragraph, StyleId = id, CustomStyle = true };
    }

    static TableProperties TableProps(int[] widths, BorderValues border) => new(
        new TableWidth { Width = widths.Sum().ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
        new TableBorders(
            new TopBorder { Val = border, Size = 4U }, new LeftBorder { Val = border, Size = 4U },
            new BottomBorder { Val = border, Size = 4U }, new RightBorder { Val = border, Size = 4U },
            new InsideHorizontalBorder { Val = border, Size = 4U }, new InsideVerticalBorder { Val = border, Size = 4U }),
        new TableLayout { Type = TableLayoutValues.Fixed });

    static TableGrid Grid(int[] widths) =>
        new(widths.Select(w => new GridColumn { Width = w.ToString(CultureInfo.InvariantCulture) }));

    static TableCell Cell(int width, IEnumerable<Paragraph> content)
    {
        var cell = new TableCell(new TableCellProperties(new TableCellWidth { Width = width.ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa }));
        cell.Append(content);
        return cell;
    }

    internal static Paragraph Heading(string text) => Para(JustificationValues.Both, 120, 60, 567, Run(text, bold: true));

    internal static Paragraph Text(string text, bool italic = false) => Para(JustificationValues.Both, 60, 60, 567, Run(text, italic: italic));

    internal static Paragraph Para(JustificationValues jc, int before, int after, int? firstLine, params Run[] runs)
    {
        var props = new ParagraphProperties(new SpacingBetweenLines
        {
            Before = before.ToString(CultureInfo.InvariantCulture), After = after.ToString(CultureInfo.InvariantCulture),
        });
        if (firstLine is { } indent) props.Append(new Indentation { FirstLine = indent.ToString(CultureInfo.InvariantCulture) });
        props.Append(new Justification { Val = jc });
        var p = new Paragraph(props);
        p.Append(runs);
        return p;
    }

    internal static Run Run(string text, bool bold = false, bool italic = false, int size = Body)
    {
        var props = new RunProperties();
        if (bold) props.Append(new Bold());
        if (italic) props.Append(new Italic());
        props.Append(new FontSize { Val = size.ToString(CultureInfo.InvariantCulture) },
            new FontSizeComplexScript { Val = size.ToString(CultureInfo.InvariantCulture) });
        return new Run(props, new Text(text) { Space = SpaceProcessingModeValues.Preserve });
    }

    static void AddStyles(MainDocumentPart main)
    {
        var styles = main.AddNewPart<StyleDefinitionsPart>();
        styles.Styles = new Styles(new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle(
                new RunFonts { Ascii = Font, HighAnsi = Font, ComplexScript = Font, EastAsia = Font },
                new FontSize { Val = Body.ToString(CultureInfo.InvariantCulture) },
                new FontSizeComplexScript { Val = Body.ToString(CultureInfo.InvariantCulture) },
                new Languages { Val = "vi-VN" })),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                new SpacingBetweenLines { After = "0", Line = "276", LineRule = LineSpacingRuleValues.Auto }))),
            CellParagraphStyle(CellStyle, "ChiSo ô bảng", JustificationValues.Left, bold: false),
            CellParagraphStyle(CenterStyle, "ChiSo ô bảng giữa", JustificationValues.Center, bold: false),
            CellParagraphStyle(HeadStyle, "ChiSo tiêu đề bảng", JustificationValues.Center, bold: true),
            CellParagraphStyle(BoldStyle, "ChiSo ô bảng đậm", JustificationValues.Left, bold: true),
            CellParagraphStyle(CenterBoldStyle, "ChiSo ô bảng giữa đậm", JustificationValues.Center, bold: true));
        styles.Styles.Save();
    }
}
