using System.Collections.Concurrent;
using ChiSo.Data;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Surveys;

/// <summary>One question as the form and the validator see it: its skip rule already parsed.</summary>
public sealed record FormQuestion(string Code, string Text, QuestionType Type, IReadOnlyList<string> Options, bool Required,
    IReadOnlyList<string> Groups, string? SkipCode, string? SkipValue, string Section)
{
    public bool IsScale => Type is QuestionType.Scale5 or QuestionType.Likert5;
    public bool For(string group) => Groups.Count == 0 || Groups.Contains(group);

    /// <summary>The choices a respondent can pick: the five levels of a scale, Có/Không, or the listed options.</summary>
    public IReadOnlyList<(string Value, string Label)> Choices => Type switch
    {
        QuestionType.Scale5 => Levels(ScaleLabels),
        QuestionType.Likert5 => Levels(LikertLabels),
        QuestionType.YesNo => (Options.Count > 0 ? Options : ["Có", "Không"]).Select(o => (o, o)).ToList(),
        QuestionType.Single or QuestionType.Multiple => Options.Select(o => (o, o)).ToList(),
        _ => [],
    };

    public static readonly string[] ScaleLabels = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"];
    public static readonly string[] LikertLabels = ["Hoàn toàn không đồng ý", "Không đồng ý", "Phân vân", "Đồng ý", "Hoàn toàn đồng ý"];
    static List<(string, string)> Levels(string[] labels) => labels.Select((l, i) => ((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), l)).ToList();
}

public sealed record FormSection(string Code, string Title, IReadOnlyList<FormQuestion> Questions);

/// <summary>Everything the intake needs about a round, read once and kept for a few seconds: at thousands of
/// submissions a second, reading the questionnaire, units and quotas per submission would cost more than storing
/// the answer.</summary>
public sealed record CollectionForm(int RoundId, string RoundName, int Year, RoundStatus Status, DateOnly OpensOn, DateOnly ClosesOn,
    string Title, string? Intro, SurveyKind Kind, IReadOnlyDictionary<string, RespondentGroup> Groups, IReadOnlyList<FormSection> Sections,
    IReadOnlyDictionary<string, (int Id, string Name)> Units, IReadOnlySet<(int UnitId, string Group)> Quotas)
{
    /// <summary>The questionnaire version the round uses; with <see cref="QuestionnaireVersion"/> the key of its compiled
    /// <see cref="FormRules"/>. 0 on a form built by hand.</summary>
    public int QuestionnaireId { get; init; }
    public string QuestionnaireVersion { get; init; } = "";

    public IEnumerable<FormQuestion> Questions => Sections.SelectMany(s => s.Questions);

    /// <summary>The questions one group answers, sections without any left out.</summary>
    public IReadOnlyList<FormSection> SectionsFor(string group) =>
        Sections.Select(s => s with { Questions = s.Questions.Where(q => q.For(group)).ToList() }).Where(s => s.Questions.Count > 0).ToList();

    /// <summary>When the round lists quotas, only its units × groups are surveyed; without quotas any unit may answer.</summary>
    public bool Surveys(int unitId, string group) => Quotas.Count == 0 || Quotas.Contains((unitId, group));

    public bool IsOpen(DateOnly today) => Rounds.RoundIsOpen(Status, OpensOn, ClosesOn, today);
}

/// <summary>Cache of <see cref="CollectionForm"/> per round (a singleton). A change to the round (closing it, a
/// new quota) reaches the intake within <see cref="Lifetime"/> (plus the time one reload takes).
/// <para>When an entry is stale, the first request to see it reloads it and the others keep using the old one meanwhile:
/// at thousands of submissions a second, letting every waiting request reload at once stalls them all.</para></summary>
public sealed class CollectionForms(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    sealed class Entry<T>(DateTimeOffset loaded, Task<T> value)
    {
        public readonly DateTimeOffset Loaded = loaded;
        public readonly Task<T> Value = value;
        public int Reloading;
    }

    readonly ConcurrentDictionary<int, Entry<CollectionForm?>> cache = new();
    readonly ConcurrentDictionary<(int, string), Entry<RecentTimes>> times = new();

    public Task<CollectionForm?> GetAsync(ChiSoDb db, int roundId, CancellationToken ct = default) => GetAsync(() => db, roundId, ct);

    /// <summary>The DbContext is asked for only when the entry must load: on the intake path, creating a DbContext per
    /// request cost more than validating and storing the answer (the profile in bench/README.md).</summary>
    public Task<CollectionForm?> GetAsync(Func<ChiSoDb> db, int roundId, CancellationToken ct = default) =>
        GetAsync(cache, roundId, Lifetime, () => LoadAsync(db(), roundId, CancellationToken.None), ct);

    public void Forget(int roundId) => cache.TryRemove(roundId, out _);

    /// <summary>The usual time of a round's group: the median of its latest timed answers (<see cref="RecentTimes"/>), null
    /// until 20 exist, because a median of a handful would flag honest respondents. Read from the database once per
    /// instance, then kept up to date by <see cref="AddTime"/>.</summary>
    public async Task<double?> MedianSecondsAsync(Func<ChiSoDb> db, int roundId, string group, CancellationToken ct = default) =>
        (await GetAsync(times, (roundId, group), TimeSpan.MaxValue, () => LoadTimesAsync(db(), roundId, group), ct)).Median;

    /// <summary>Counts the time of an answer this instance stored (web or API; paper answers have none).</summary>
    public void AddTime(int roundId, string group, int seconds)
    {
        if (times.TryGetValue((roundId, group), out var entry) && entry.Value.IsCompletedSuccessfully) entry.Value.Result.Add(seconds);
    }

    async Task<T> GetAsync<TKey, T>(ConcurrentDictionary<TKey, Entry<T>> entries, TKey key, TimeSpan lifetime, Func<Task<T>> load,
        CancellationToken ct) where TKey : notnull
    {
        var now = clock.GetUtcNow();
        if (entries.TryGetValue(key, out var hit) && !hit.Value.IsFaulted && !hit.Value.IsCanceled)
        {
            if (now - hit.Loaded < lifetime || !hit.Value.IsCompleted) return await hit.Value.WaitAsync(ct);
            // Stale: one request reloads, the others keep the value they have (a failed load is retried by the next request).
            if (Interlocked.Exchange(ref hit.Reloading, 1) == 1) return await hit.Value;
        }
        var entry = new Entry<T>(now, load());
        entries[key] = entry;
        // The load runs on this request's DbContext: wait for it whole, even if the request is cancelled meanwhile.
        return await entry.Value;
    }

    /// <summary>How far back the first read of a group's times looks: the table's last 200,000 rows, a read of a fraction of a
    /// second however large the round. (A median over the whole round, read again each minute, took 6 s at 10^6 answers,
    /// and the intake's p99 went from 15 ms to 500 ms while it ran.)</summary>
    public const int TimesWindow = 200_000;

    static async Task<RecentTimes> LoadTimesAsync(ChiSoDb db, int roundId, string group)
    {
        var last = await db.SurveyResponses.MaxAsync(r => (long?)r.Id) ?? 0;
        var from = last - TimesWindow;
        // "+ 0" keeps the planner on the Id range instead of the round's index, which would read every answer of the round.
        var newestFirst = await db.SurveyResponses
            .Where(r => r.Id > from && r.RoundId + 0 == roundId && r.Group == group && r.Seconds != null && r.Channel != ResponseChannel.Paper)
            .OrderByDescending(r => r.Id).Select(r => r.Seconds!.Value).Take(RecentTimes.Kept).ToListAsync();
        return new RecentTimes(newestFirst);
    }

    public static async Task<CollectionForm?> LoadAsync(ChiSoDb db, int roundId, CancellationToken ct = default)
    {
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Quotas).FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null) return null;
        var q = await db.Questionnaires.AsNoTracking().AsSplitQuery()
            .Include(x => x.Groups).Include(x => x.Sections).Include(x => x.Questions)
            .FirstAsync(x => x.Id == round.QuestionnaireId, ct);
        var sections = q.Sections.OrderBy(s => s.Order).ThenBy(s => s.Id).Select(s => new FormSection(s.Code, s.Title,
            q.Questions.Where(x => x.SectionId == s.Id).OrderBy(x => x.Order).ThenBy(x => x.Id).Select(x =>
            {
                var skip = QuestionnaireImporter.ParseSkip(x.SkipIf);
                return new FormQuestion(x.Code, x.Text, x.Type, x.Options, x.Required, x.Groups, skip?.Code, skip?.Value, s.Code);
            }).ToList())).ToList();
        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct);
        return new CollectionForm(round.Id, round.Name, round.Year, round.Status, round.OpensOn, round.ClosesOn, q.Name, q.Intro, q.Kind,
            q.Groups.ToDictionary(g => g.Code, StringComparer.OrdinalIgnoreCase), sections,
            units.ToDictionary(u => u.Code, u => (u.Id, u.Name), StringComparer.OrdinalIgnoreCase),
            round.Quotas.Select(x => (x.UnitId, x.Group)).ToHashSet())
        { QuestionnaireId = q.Id, QuestionnaireVersion = q.Version };
    }
}

/// <summary>The times of a group's latest <see cref="Kept"/> timed answers, for the speeder rule. Each app instance keeps its
/// own, from the database's latest answers and then every answer it stores: a usual time needs no exact global count, and
/// this keeps the intake free of a read over the whole round. The median is worked out again every 32 answers.</summary>
public sealed class RecentTimes
{
    public const int Kept = 1001, Needed = 20;
    readonly int[] ring = new int[Kept];
    int count, next, sinceMedian;
    double? median;

    public RecentTimes(IEnumerable<int> newestFirst)
    {
        foreach (var s in newestFirst.Take(Kept).Reverse()) Add(s);
        lock (ring) Recompute();
    }

    public double? Median { get { lock (ring) return median; } }

    public void Add(int seconds)
    {
        lock (ring)
        {
            ring[next] = seconds;
            next = (next + 1) % Kept;
            if (count < Kept) count++;
            if (++sinceMedian >= 32 || count <= Needed) Recompute();
        }
    }

    void Recompute()
    {
        sinceMedian = 0;
        if (count < Needed)
        {
            median = null;
            return;
        }
        var sorted = ring[..count];
        Array.Sort(sorted);
        median = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0;
    }
}
