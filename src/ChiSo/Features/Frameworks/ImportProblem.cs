using ChiSo.Features.Files;

namespace ChiSo.Features.Frameworks;

/// <summary>One reason an import was refused, located as precisely as the source allows.</summary>
public sealed record ImportProblem(string Message)
{
    /// <summary>Spreadsheet row (1-based, as Excel shows it) when the data came from a sheet.</summary>
    public int? Row { get; init; }
    public string? Column { get; init; }
    /// <summary>Criterion code, or a path such as "results[2023]".</summary>
    public string? Where { get; init; }

    /// <summary>The problems of the first 1,000 rows (a criterion code stands for its row when the row is not known).</summary>
    public static ProblemRows<ImportProblem> Rows(IEnumerable<ImportProblem> problems) =>
        ProblemRows<ImportProblem>.Of(problems, p => p.Row is { } row ? row : p.Where);

    public override string ToString() =>
        string.Join(" — ", new[] { Row is null ? null : $"Dòng {Row}", Column, Where, Message }.Where(s => !string.IsNullOrEmpty(s)));
}

/// <summary>What an import did, or why it did nothing: the problems of the first 1,000 rows (or criteria) that have any,
/// and how many more have some.</summary>
public sealed record ImportReport(IReadOnlyList<ImportProblem> Problems, int Criteria, int Scores, int Targets)
{
    public bool Succeeded => Problems.Count == 0;
    public int MoreRows { get; init; }
    /// <summary>"… và 12.345 dòng lỗi khác" when the report was cut.</summary>
    public string? More => MoreRows > 0 ? ProblemRows.More(MoreRows) : null;

    public static ImportReport Refused(IReadOnlyList<ImportProblem> problems)
    {
        var rows = ImportProblem.Rows(problems);
        return new(rows.ToList(), 0, 0, 0) { MoreRows = rows.MoreRows };
    }
}
