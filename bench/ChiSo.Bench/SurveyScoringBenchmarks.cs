using ChiSo.Features.Accounts;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using ChiSo.Data;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Bench;

/// <summary>Rescoring a round of 10^6 responses × 30 answers for 200 units, and one page of its response list, on SQLite.
/// The data is generated once into a temporary file with a prepared insert in one transaction.</summary>
[MemoryDiagnoser]
public class SurveyScoringBenchmarks
{
    string file = "";
    SurveyData data = default!;

    [GlobalSetup]
    public void Setup()
    {
        file = Path.Combine(Path.GetTempPath(), $"chiso-bench-survey-{Guid.NewGuid():N}.db");
        data = SurveyData.Generate(file, responses: 1_000_000, questions: 30, units: 200);
    }

    [GlobalCleanup]
    public void Cleanup() => SurveyData.Delete(file);

    [Benchmark(Description = "rescore 10^6 responses × 30 answers, 200 units")]
    public async Task<int> Rescore()
    {
        await using var db = SurveyData.Open(file);
        var scores = await RoundScoring.ScoreAsync(db, data.RoundId, Actor.Cli());
        return scores!.Units.Count;
    }

    [Benchmark(Description = "response page (50) deep in 10^6, no filter")]
    public async Task<int> PageDeep()
    {
        await using var db = SurveyData.Open(file);
        return (await SurveyScoringApi.PageAsync(db, data.RoundId, null, null, data.LastId - 1000, 50, Actor.Cli()))!.Items.Count;
    }

    [Benchmark(Description = "response page (50) of one unit × group, deep")]
    public async Task<int> PageUnitGroup()
    {
        await using var db = SurveyData.Open(file);
        return (await SurveyScoringApi.PageAsync(db, data.RoundId, data.UnitCode, "citizens", data.LastId / 2, 50, Actor.Cli()))!.Items.Count;
    }
}

/// <summary>A seeded SQLite file with one generated round; shared by the benchmarks and the export check.</summary>
public sealed record SurveyData(int RoundId, long LastId, string UnitCode)
{
    public static SqliteChiSoDb Open(string path)
    {
        var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
        DatabaseSetup.ConfigureSqlite(o, $"Data Source={path}");
        return new SqliteChiSoDb(o.Options);
    }

    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { path, path + "-wal", path + "-shm" }) if (File.Exists(f)) File.Delete(f);
    }

    public static SurveyData Generate(string path, int responses, int questions, int units)
    {
        var watch = Stopwatch.StartNew();
        using var db = Open(path);
        BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System).GetAwaiter().GetResult();
        var unitList = Enumerable.Range(1, units).Select(i => new Unit
        {
            Code = $"BENCH{i:000}", Name = $"Đơn vị đo hiệu năng {i}", Kind = UnitKind.Department,
        }).ToList();
        db.Units.AddRange(unitList);
        string[] components = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5"];
        var q = new Questionnaire
        {
            Key = "bench-" + Guid.NewGuid().ToString("N")[..8], Version = "1", Name = "Phiếu đo hiệu năng", Kind = SurveyKind.Sipas, Framework = "sipas",
            Groups = [new RespondentGroup { Code = "citizens", Name = "Người dân" }, new RespondentGroup { Code = "organisations", Name = "Tổ chức" }],
            Sections = [new QuestionSection { Code = "S", Title = "Câu hỏi", Order = 1 }],
        };
        db.Questionnaires.Add(q);
        db.SaveChanges();
        var codes = Enumerable.Range(1, questions).Select(i => $"Q{i}").ToArray();
        for (var i = 0; i < questions; i++)
            db.Questions.Add(new Question
            {
                QuestionnaireId = q.Id, SectionId = q.Sections[0].Id, Code = codes[i], Text = $"Câu hỏi {i + 1}", Type = QuestionType.Scale5,
                Criterion = "sipas:" + components[i % components.Length], Order = i,
            });
        var round = new SurveyRound
        {
            Year = 2024, Name = "Đợt đo hiệu năng", QuestionnaireId = q.Id, OpensOn = new(2024, 1, 1), ClosesOn = new(2024, 12, 30), Status = RoundStatus.Open,
            Quotas = unitList.SelectMany(u => new[] { "citizens", "organisations" }.Select(g => new RoundQuota { Unit = u, Group = g, Target = 2500 })).ToList(),
        };
        db.SurveyRounds.Add(round);
        db.SaveChanges();

        var conn = (SqliteConnection)db.Database.GetDbConnection();
        conn.Open();
        using (var pragma = conn.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
            pragma.ExecuteNonQuery();
        }
        using (var tx = conn.BeginTransaction())
        using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO SurveyResponses (RoundId, UnitId, "Group", Channel, SubmittedOn, Answers, Seconds, Review)
                VALUES ($round, $unit, $group, 'Online', '2024-11-05', $answers, 300, $review)
                """;
            var pRound = cmd.Parameters.Add("$round", SqliteType.Integer);
            var pUnit = cmd.Parameters.Add("$unit", SqliteType.Integer);
            var pGroup = cmd.Parameters.Add("$group", SqliteType.Text);
            var pAnswers = cmd.Parameters.Add("$answers", SqliteType.Text);
            var pReview = cmd.Parameters.Add("$review", SqliteType.Text);
            cmd.Prepare();
            pRound.Value = round.Id;
            var random = new Random(42);
            var sb = new StringBuilder(questions * 12);
            for (var i = 0; i < responses; i++)
            {
                sb.Clear().Append('{');
                for (var k = 0; k < questions; k++)
                {
                    if (k > 0) sb.Append(',');
                    // Mostly satisfied, as real SIPAS answers are: levels 2–5 with 4 the most common.
                    var level = random.Next(10) switch { 0 => 2, 1 or 2 => 3, 3 or 4 or 5 or 6 => 4, _ => 5 };
                    sb.Append('"').Append(codes[k]).Append("\":\"").Append((char)('0' + level)).Append('"');
                }
                sb.Append('}');
                pUnit.Value = unitList[random.Next(units)].Id;
                pGroup.Value = random.Next(3) == 0 ? "organisations" : "citizens";
                pAnswers.Value = sb.ToString();
                pReview.Value = random.Next(100) == 0 ? "Excluded" : "Accepted";
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        long lastId;
        using (var max = conn.CreateCommand())
        {
            max.CommandText = "SELECT MAX(Id) FROM SurveyResponses";
            lastId = max.ExecuteScalar() is long id ? id : 0;
        }
        conn.Close();
        Console.WriteLine($"// generated {responses:N0} responses × {questions} answers for {units} units in {watch.Elapsed.TotalSeconds:0.0} s");
        return new SurveyData(round.Id, lastId, unitList[0].Code);
    }
}

/// <summary>`-- --scoring-check [file]`: rescoring timed with a stopwatch five times over a generated file that is kept
/// for the next run (generating 10^6 responses takes half a minute).</summary>
public static class SurveyScoringCheck
{
    public static async Task RunAsync(string? path)
    {
        path ??= Path.Combine(Path.GetTempPath(), "chiso-scoring-check.db");
        int roundId;
        if (File.Exists(path))
        {
            await using var db = SurveyData.Open(path);
            roundId = await db.SurveyRounds.Where(r => r.Name == "Đợt đo hiệu năng").Select(r => r.Id).FirstAsync();
        }
        else roundId = SurveyData.Generate(path, responses: 1_000_000, questions: 30, units: 200).RoundId;
        await using (var db = SurveyData.Open(path))
        {
            var last = await db.SurveyResponses.MaxAsync(r => r.Id);
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                var page = (await SurveyScoringApi.PageAsync(db, roundId, null, null, last - 1000 - i * 400_000, 50, Actor.Cli()))!;
                Console.WriteLine($"response page of {page.Items.Count}, no filter, after {last - 1000 - i * 400_000:N0}: {watch.Elapsed.TotalMilliseconds:0.0} ms");
            }
        }
        for (var i = 0; i < 5; i++)
        {
            // CPU time too: on a machine shared with other builds the wall clock says more about the neighbours.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            await using var db = SurveyData.Open(path);
            var scores = (await RoundScoring.ScoreAsync(db, roundId, Actor.Cli()))!;
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"rescore {scores.Responses:N0} responses, {scores.Units.Count} units: {watch.ElapsedMilliseconds:N0} ms wall, {used.TotalMilliseconds:N0} ms CPU");
        }

        // Live scores (the scores page and API): the first read builds the running tally; after that a new answer costs the
        // read of what came in since, plus scoring the tally.
        var live = new LiveScores(TimeProvider.System);
        await using (var db = SurveyData.Open(path))
        {
            var watch = Stopwatch.StartNew();
            var before = (await live.ScoreAsync(db, roundId, Actor.Cli()))!;
            Console.WriteLine($"live scores, first read (whole round): {watch.ElapsedMilliseconds:N0} ms");
            for (var i = 0; i < 3; i++)
            {
                var unit = before.Units[i];
                db.SurveyResponses.Add(new SurveyResponse
                {
                    RoundId = roundId, UnitId = unit.UnitId, Group = "citizens", Channel = ResponseChannel.Api, SubmittedOn = new(2024, 11, 5),
                    Answers = "{" + string.Join(',', Enumerable.Range(1, 30).Select(k => $"\"Q{k}\":\"5\"")) + "}", Review = ResponseReview.Accepted,
                });
                await db.SaveChangesAsync();
                watch.Restart();
                var after = (await live.ScoreAsync(db, roundId, Actor.Cli()))!;
                Console.WriteLine($"live scores after one new answer: {watch.ElapsedMilliseconds:N0} ms; counted {after.Responses - before.Responses:+0;-0} " +
                    $"({after.Responses:N0} in all)");
                before = after;
            }
        }
    }
}
