namespace ChiSo.Features.Frameworks;

/// <summary>One reason an import was refused, located as precisely as the source allows.</summary>
public sealed record ImportProblem(string Message)
{
    /// <summary>Spreadsheet row (1-based, as Excel shows it) when the data came from a sheet.</summary>
    public int? Row { get; init; }
    public string? Column { get; init; }
    /// <summary>Criterion code, or a path such as "results[2023]".</summary>
    public string? Where { get; init; }

    public override string ToString() =>
        string.Join(" — ", new[] { Row is null ? null : $"Dòng {Row}", Column, Where, Message }.Where(s => !string.IsNullOrEmpty(s)));
}

/// <summary>What an import did, or why it did nothing.</summary>
public sealed record ImportReport(IReadOnlyList<ImportProblem> Problems, int Criteria, int Scores, int Targets)
{
    public bool Succeeded => Problems.Count == 0;
    public static ImportReport Refused(IReadOnlyList<ImportProblem> problems) => new(problems, 0, 0, 0);
}
