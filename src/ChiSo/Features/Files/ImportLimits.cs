namespace ChiSo.Features.Files;

/// <summary>What one kind of import takes at most: the file's bytes, its data rows and, for a workbook, the bytes its
/// parts inflate to. Chosen from what real files need, with room (README "Limits of imports"); the readers in
/// <see cref="ImportedFiles"/> enforce them as they read, so no import holds more than a chunk of a file in memory.</summary>
public sealed record ImportLimits(string What, long MaxBytes, int MaxRows, long MaxInflatedBytes)
{
    const long MB = 1024 * 1024;

    /// <summary>Paper forms typed into CSV or Excel: a big round's batch is tens of thousands of forms.</summary>
    public static readonly ImportLimits PaperForms = new("phiếu giấy", 40 * MB, 100_000, 400 * MB);
    /// <summary>A framework year (the appendix workbook has one row per criterion: about 100 today) or a JSON framework.</summary>
    public static readonly ImportLimits Framework = new("tiêu chí", 10 * MB, 5_000, 100 * MB);
    /// <summary>A questionnaire version: SIPAS has 41 questions, the largest ones a few hundred.</summary>
    public static readonly ImportLimits Questionnaire = new("câu hỏi", 5 * MB, 2_000, 50 * MB);
    /// <summary>Survey points: a row per unit and criterion (about 600 units × a few survey criteria).</summary>
    public static readonly ImportLimits SurveyPoints = new("điểm điều tra", 10 * MB, 50_000, 100 * MB);
    /// <summary>The organisation registry as JSON (about 600 units today).</summary>
    public static readonly ImportLimits Units = new("đơn vị", 5 * MB, 10_000, 0);
    /// <summary>The registry as a workbook: a sheet of units and a sheet of successions.</summary>
    public static readonly ImportLimits UnitsWorkbook = new("đơn vị", 5 * MB, 10_000, 50 * MB);
    /// <summary>A plan as JSON: sections, tasks and targets (the city's plans have a few hundred tasks).</summary>
    public static readonly ImportLimits Plan = new("nhiệm vụ", 5 * MB, 5_000, 0);

    /// <summary>Columns of a sheet or CSV row: a paper form has one per question (the largest questionnaires about 500).</summary>
    public const int MaxColumns = 1_000;
    /// <summary>Characters of one CSV record: a form with long free-text answers is a few thousand.</summary>
    public const int MaxRecordChars = 200_000;
    /// <summary>Parts of a workbook: Excel writes about ten, more with pictures.</summary>
    public const int MaxZipEntries = 1_000;
    /// <summary>A part that inflates more than this many times its compressed size is a zip bomb, not a spreadsheet: real
    /// sheets inflate 5–15 times (bench/README.md).</summary>
    public const int MaxInflationRatio = 100;
    /// <summary>The inflation ratio is judged on parts larger than this; small parts of repeated XML may inflate more.</summary>
    public const long RatioCheckedFrom = 4 * MB;

    public static string Megabytes(long bytes) => (bytes / (double)MB).ToString("#,0.#", ViText.Vi) + " MB";

    public FileRefused TooManyBytes(string? name) =>
        FileRefused.TooLarge($"Tệp{(string.IsNullOrEmpty(name) ? "" : $" '{name}'")} lớn hơn {Megabytes(MaxBytes)}: mỗi lần nhập {What} tối đa {Megabytes(MaxBytes)}.");

    public FileRefused TooManyRows() =>
        FileRefused.TooLarge($"Tệp có hơn {Count(MaxRows)} dòng {What}: mỗi lần nhập tối đa {Count(MaxRows)} dòng. Hãy chia thành nhiều tệp.");

    public static string Count(long n) => n.ToString("N0", ViText.Vi);
}

/// <summary>A file refused as a whole, before or while it is read, with the reason in Vietnamese: too large (413: bytes,
/// rows, columns, what its parts inflate to) or unreadable (422: not the format it claims, broken XML, not UTF-8). The
/// readers throw it wherever they are in a file; the web host answers it once as problem+json, the pages show its
/// message and the CLI prints it (exit code 1).</summary>
public sealed class FileRefused : Exception
{
    FileRefused(string message, bool tooLarge, Exception? inner) : base(message, inner) => IsTooLarge = tooLarge;

    public bool IsTooLarge { get; }
    public int Status => IsTooLarge ? 413 : 422;
    public string Title => IsTooLarge ? "Tệp quá lớn" : "Không đọc được tệp";
    /// <summary>The message as the pages and the CLI give it, like any refused import.</summary>
    public string Refusal => "Tệp bị từ chối, không có gì được ghi: " + Message;

    public static FileRefused TooLarge(string message) => new(message, true, null);
    public static FileRefused Unreadable(string message, Exception? inner = null) => new(message, false, inner);
}

/// <summary>The problems of the first <see cref="Shown"/> rows that have any, and how many more rows have some, so that a
/// report of a bad file stays readable and small whatever the file's size ("… và 12.345 dòng lỗi khác"). A problem with
/// no row (the file, a header) is always kept.</summary>
public sealed class ProblemRows<T>
{
    public const int Shown = 1_000;
    readonly List<T> kept = [];
    readonly HashSet<object> shownRows = [];
    readonly HashSet<object> otherRows = [];

    public IReadOnlyList<T> Problems => kept;
    public List<T> ToList() => [.. kept];
    public int MoreRows => otherRows.Count;
    public int Count => kept.Count + otherRows.Count;

    /// <summary><paramref name="row"/>: the row number, or whatever names the row (a criterion code); null for none.</summary>
    public void Add(object? row, T problem)
    {
        if (row is null || row is 0 || shownRows.Contains(row) || (shownRows.Count < Shown && shownRows.Add(row))) kept.Add(problem);
        else otherRows.Add(row);
    }

    public static ProblemRows<T> Of(IEnumerable<T> problems, Func<T, object?> row)
    {
        var rows = new ProblemRows<T>();
        foreach (var p in problems) rows.Add(row(p), p);
        return rows;
    }
}

public static class ProblemRows
{
    /// <summary>The line that closes a report cut at <see cref="ProblemRows{T}.Shown"/> rows.</summary>
    public static string More(int rows) => $"… và {rows.ToString("N0", ViText.Vi)} dòng lỗi khác";
}
