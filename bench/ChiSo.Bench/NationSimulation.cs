using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace ChiSo.Bench;

/// <summary>The nation in a simulation (issue 13, item 5), on PostgreSQL only: 34 provinces, 3,321 communes and wards, one
/// SIPAS round per province and year on the built-in SIPAS questionnaire, and 10^7 answers a year written with binary COPY in
/// the order they would arrive (day by day, every province mixed), then the product's own scoring path timed on them.
/// A bench verb and not a product verb: it writes millions of made-up answers, which nothing in a city's database should
/// ever be able to do, and it needs no actor, audit or matrix row. Figures: bench/README.md ("The nation"), docs/scale.md.
///   -- --nation migrate (the schema and built-in data only, so that bench/nation/partition.sql can run before the data)
///   -- --nation generate [years=3] [per-year=10000000] [first-year=2024]
///   -- --nation score [year]
/// The connection string comes from NATION_PG (default: the bench cluster bench/nation/nation.sh starts on 55440).</summary>
public static class NationSimulation
{
    public const string Marker = "NATION";

    static string Connection => Environment.GetEnvironmentVariable("NATION_PG")
        ?? "Host=127.0.0.1;Port=55440;Username=postgres;Database=chiso_nation;Timeout=30;Command Timeout=0";

    public static Task RunAsync(string[] args) => args.FirstOrDefault() switch
    {
        "generate" => GenerateAsync(Int(args, 1, 3), Int(args, 2, 10_000_000), Int(args, 3, 2024)),
        "migrate" => MigrateAsync(),
        "score" => ScoreAsync(args.Length > 1 ? Int(args, 1, 0) : null),
        _ => throw new ArgumentException("--nation generate [years] [per-year] [first-year] | --nation score [year]"),
    };

    static int Int(string[] args, int i, int fallback) =>
        args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

    static PostgresChiSoDb Open()
    {
        var o = new DbContextOptionsBuilder<PostgresChiSoDb>();
        DatabaseSetup.ConfigurePostgres(o, Connection);
        return new PostgresChiSoDb(o.Options);
    }

    // The 34 provinces and cities from 12 June 2025 (Resolution 202/2025/QH15). Codes are the bench's own ("T01"…), not GSO's.
    static readonly string[] Provinces =
    [
        "Thành phố Hà Nội", "Thành phố Huế", "Tỉnh Lai Châu", "Tỉnh Điện Biên", "Tỉnh Sơn La", "Tỉnh Lạng Sơn", "Tỉnh Quảng Ninh",
        "Tỉnh Thanh Hóa", "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", "Tỉnh Cao Bằng", "Tỉnh Tuyên Quang", "Tỉnh Lào Cai", "Tỉnh Thái Nguyên",
        "Tỉnh Phú Thọ", "Tỉnh Bắc Ninh", "Tỉnh Hưng Yên", "Thành phố Hải Phòng", "Tỉnh Ninh Bình", "Tỉnh Quảng Trị",
        "Thành phố Đà Nẵng", "Tỉnh Quảng Ngãi", "Tỉnh Gia Lai", "Tỉnh Khánh Hòa", "Tỉnh Lâm Đồng", "Tỉnh Đắk Lắk",
        "Thành phố Hồ Chí Minh", "Tỉnh Đồng Nai", "Tỉnh Tây Ninh", "Thành phố Cần Thơ", "Tỉnh Vĩnh Long", "Tỉnh Đồng Tháp",
        "Tỉnh Cà Mau", "Tỉnh An Giang",
    ];
    public const int Communes = 3321;

    static readonly string[] Syllables =
    [
        "An", "Bình", "Phú", "Hòa", "Tân", "Long", "Thạnh", "Đông", "Tây", "Nam", "Bắc", "Trung", "Hưng", "Thịnh", "Phước", "Lộc",
        "Minh", "Quang", "Thuận", "Hải", "Sơn", "Lâm", "Thủy", "Kim", "Ngọc", "Xuân", "Thu", "Hạ", "Vĩnh", "Mỹ", "Khánh", "Định",
    ];

    static readonly string[] Scored =
    [
        "1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2", "1.2.3", "1.3.1", "1.3.2", "1.3.3", "1.4.1", "1.4.2", "1.4.3",
        "2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.3.1", "2.3.2", "2.3.3", "2.3.4",
        "2.4.1", "2.4.2", "2.4.3", "2.5.2", "2.5.3", "2.5.4",
    ];

    const int Levels = 8, PoolSize = 4096;

    /// <summary>Answer bodies as the form stores them (the required non-scale answers first, then the 30 levels), in
    /// <see cref="Levels"/> pools from less to more satisfied so that provinces differ and the ranking means something.</summary>
    static (string Json, long Hash)[][] AnswerPools()
    {
        var random = new Random(7);
        var pools = new (string, long)[Levels][];
        var sb = new StringBuilder(512);
        for (var level = 0; level < Levels; level++)
        {
            pools[level] = new (string, long)[PoolSize];
            for (var i = 0; i < PoolSize; i++)
            {
                sb.Clear().Append("{\"A7\":\"Bộ phận một cửa\",\"A8\":\"Có\",\"2.5.1\":\"Có\"");
                foreach (var code in Scored)
                {
                    // Level 0: about 55 % in the top two levels; level 7: about 90 %.
                    var x = random.Next(100) + level * 5;
                    var v = x < 5 ? 1 : x < 15 ? 2 : x < 45 ? 3 : x < 100 ? 4 : 5;
                    sb.Append(",\"").Append(code).Append("\":\"").Append((char)('0' + v)).Append('"');
                }
                sb.Append('}');
                var json = sb.ToString();
                pools[level][i] = (json, SurveyResponse.HashOf(json));
            }
        }
        return pools;
    }

    sealed record Commune(int Id, int Province, int Level, double Weight);

    static async Task MigrateAsync()
    {
        await using var db = Open();
        await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
    }

    static async Task GenerateAsync(int years, int perYear, int firstYear)
    {
        var total = Stopwatch.StartNew();
        await using (var db = Open())
        {
            await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
            if (await db.Units.AnyAsync(u => u.Code == Marker + "-T01"))
                throw new InvalidOperationException("The nation is already generated in this database; drop it first (bench/nation/nation.sh reset).");
        }
        var communes = await UnitsAsync();
        Console.WriteLine($"units: {Provinces.Length} provinces, {communes.Count} communes and wards ({total.Elapsed.TotalSeconds:F1} s)");
        var pools = AnswerPools();
        for (var year = firstYear; year < firstYear + years; year++)
        {
            var rounds = await RoundsAsync(year, communes, year == firstYear + years - 1);
            var watch = Stopwatch.StartNew();
            var before = await TableBytesAsync();
            await CopyYearAsync(year, perYear, communes, rounds, pools);
            var after = await TableBytesAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"year {year}: {perYear:N0} answers in {watch.Elapsed.TotalSeconds:F0} s ({perYear / watch.Elapsed.TotalSeconds:N0}/s), " +
                $"table + indexes +{(after - before) / 1e9:F2} GB, load {Load()}"));
        }
        await using (var analyze = new NpgsqlConnection(Connection))
        {
            await analyze.OpenAsync();
            await using var cmd = new NpgsqlCommand("ANALYZE \"SurveyResponses\"", analyze);
            await cmd.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"done in {total.Elapsed.TotalMinutes:F1} min");
    }

    /// <summary>Provinces (kind City: the registry has no province kind; a province is the level a city is) and communes
    /// under them, 40 to 170 a province as the 2025 map has (3,321 in all), each with its own share of the answers.</summary>
    static async Task<List<Commune>> UnitsAsync()
    {
        var random = new Random(2025);
        var weights = Provinces.Select(_ => 40 + random.NextDouble() * 130).ToArray();
        var counts = weights.Select(w => (int)(w / weights.Sum() * Communes)).ToArray();
        for (var i = 0; counts.Sum() < Communes; i = (i + 1) % counts.Length) counts[i]++;
        await using var db = Open();
        var provinces = Provinces.Select((name, i) => new Unit
        {
            Code = $"{Marker}-T{i + 1:00}", Name = name, Kind = UnitKind.City,
        }).ToList();
        db.Units.AddRange(provinces);
        await db.SaveChangesAsync();
        var units = new List<(Unit Unit, int Province)>();
        var n = 0;
        for (var p = 0; p < provinces.Count; p++)
            for (var c = 0; c < counts[p]; c++)
            {
                n++;
                var ward = random.Next(4) == 0;
                var name = $"{(ward ? "Phường" : "Xã")} {Syllables[random.Next(Syllables.Length)]} {Syllables[random.Next(Syllables.Length)]} {n}";
                units.Add((new Unit
                {
                    Code = $"{Marker}-{n:00000}", Name = name, Kind = UnitKind.Commune, Subkind = ward ? "ward" : "commune",
                    ParentId = provinces[p].Id, ValidFrom = new DateOnly(2025, 7, 1),
                }, p));
            }
        db.Units.AddRange(units.Select(u => u.Unit));
        await db.SaveChangesAsync();
        var provinceLevel = provinces.Select(_ => random.Next(1, Levels - 1)).ToArray();
        return units.Select(u => new Commune(u.Unit.Id, u.Province,
            Math.Clamp(provinceLevel[u.Province] + random.Next(-1, 2), 0, Levels - 1), 0.2 + random.NextDouble())).ToList();
    }

    /// <summary>One round a province for the year, with a plan per commune and group; the year's last is still open.</summary>
    static async Task<int[]> RoundsAsync(int year, List<Commune> communes, bool open)
    {
        await using var db = Open();
        var questionnaire = await db.Questionnaires.Where(q => q.Key == "sipas").OrderByDescending(q => q.Id).Select(q => q.Id).FirstAsync();
        var rounds = Provinces.Select((name, p) => new SurveyRound
        {
            Year = year, Name = $"SIPAS {year} — {name}", QuestionnaireId = questionnaire,
            OpensOn = new DateOnly(year, 1, 1), ClosesOn = new DateOnly(year, 12, 31), Status = open ? RoundStatus.Open : RoundStatus.Closed,
            Quotas = communes.Where(c => c.Province == p)
                .SelectMany(c => new[] { ("citizens", 1500), ("organisations", 300) }
                    .Select(g => new RoundQuota { UnitId = c.Id, Group = g.Item1, Target = g.Item2 })).ToList(),
        }).ToList();
        db.SurveyRounds.AddRange(rounds);
        await db.SaveChangesAsync();
        return rounds.Select(r => r.Id).ToArray();
    }

    /// <summary>The year's answers day by day, every commune mixed, as intake would have stored them; one COPY a day on each
    /// of two connections (even and odd days), so both cores work. Progress every month. The synchronous writer: the async one
    /// costs a ValueTask per field, which is most of the client's time at 10^7 rows × 9 fields.</summary>
    static async Task CopyYearAsync(int year, int perYear, List<Commune> communes, int[] rounds, (string Json, long Hash)[][] pools)
    {
        var cumulative = new double[communes.Count];
        double sum = 0;
        for (var i = 0; i < communes.Count; i++) cumulative[i] = sum += communes[i].Weight;
        var days = DateTime.IsLeapYear(year) ? 366 : 365;
        long written = 0;
        var watch = Stopwatch.StartNew();
        void Stream(int parity)
        {
            using var conn = new NpgsqlConnection(Connection);
            conn.Open();
            var random = new Random(year * 10 + parity);
            for (var day = parity; day < days; day += 2)
            {
                var date = new DateOnly(year, 1, 1).AddDays(day);
                var rows = (int)((long)perYear * (day + 1) / days - (long)perYear * day / days);
                using (var w = conn.BeginBinaryImport(
                    "COPY \"SurveyResponses\" (\"RoundId\", \"UnitId\", \"Group\", \"Channel\", \"SubmittedOn\", \"Answers\", \"AnswersHash\", \"Seconds\", \"Review\") FROM STDIN (FORMAT BINARY)"))
                {
                    for (var i = 0; i < rows; i++)
                    {
                        var at = Array.BinarySearch(cumulative, random.NextDouble() * sum);
                        var c = communes[at < 0 ? Math.Min(~at, communes.Count - 1) : at];
                        var (json, hash) = pools[c.Level][random.Next(PoolSize)];
                        var channel = random.Next(10);
                        var review = random.Next(1000);
                        w.StartRow();
                        w.Write(rounds[c.Province], NpgsqlDbType.Integer);
                        w.Write(c.Id, NpgsqlDbType.Integer);
                        w.Write(random.Next(5) == 0 ? "organisations" : "citizens", NpgsqlDbType.Text);
                        w.Write(channel < 6 ? "Online" : channel < 9 ? "Paper" : "Api", NpgsqlDbType.Varchar);
                        w.Write(date, NpgsqlDbType.Date);
                        w.Write(json, NpgsqlDbType.Text);
                        w.Write(hash, NpgsqlDbType.Bigint);
                        w.Write(random.Next(120, 900), NpgsqlDbType.Integer);
                        w.Write(review < 980 ? "Accepted" : review < 995 ? "Flagged" : "Excluded", NpgsqlDbType.Varchar);
                    }
                    w.Complete();
                }
                var done = Interlocked.Add(ref written, rows);
                if (date.Day <= 2 && parity == 0 && day > 0)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {year}-{date.Month:00}: {done:N0} answers, {done / watch.Elapsed.TotalSeconds:N0}/s, load {Load()}"));
            }
        }
        await Task.WhenAll(Task.Run(() => Stream(0)), Task.Run(() => Stream(1)));
    }

    static async Task<long> TableBytesAsync()
    {
        await using var conn = new NpgsqlConnection(Connection);
        await conn.OpenAsync();
        // A partitioned table has no storage of its own: its partitions' sizes are summed.
        await using var cmd = new NpgsqlCommand("""
            SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
            WHERE c.oid = '"SurveyResponses"'::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = '"SurveyResponses"'::regclass)
            """, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>Times the product's scoring path: one province's round (the median province by answers), then the national
    /// ranking (every province's round of the year scored, ordered by percent satisfied), twice each: the first read comes
    /// from disk as far as the OS cache does not hold it, the second is warm.</summary>
    static async Task ScoreAsync(int? yearArg)
    {
        await using var db = Open();
        var year = yearArg ?? await db.SurveyRounds.Where(r => r.Name.StartsWith("SIPAS ")).MaxAsync(r => r.Year);
        var rounds = await db.SurveyRounds.AsNoTracking().Where(r => r.Year == year && r.Name.StartsWith("SIPAS "))
            .Select(r => new { r.Id, r.Name }).ToListAsync();
        var counts = await db.SurveyResponses.Where(r => rounds.Select(x => x.Id).Contains(r.RoundId))
            .GroupBy(r => r.RoundId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N);
        var median = rounds.OrderBy(r => counts.GetValueOrDefault(r.Id)).ElementAt(rounds.Count / 2);
        Console.WriteLine($"year {year}: {rounds.Count} rounds, {counts.Values.Sum():N0} answers; load {Load()}");
        for (var pass = 1; pass <= 2; pass++)
        {
            var watch = Stopwatch.StartNew();
            await using var one = Open();
            var scores = (await RoundScoring.ScoreAsync(one, median.Id, Actor.Cli()))!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rescore one province (pass {pass}): {median.Name}, {scores.Responses:N0} answers, {scores.Units.Count} units in " +
                $"{watch.Elapsed.TotalSeconds:F2} s ({scores.Responses / watch.Elapsed.TotalSeconds:N0} answers/s), load {Load()}"));
        }
        for (var pass = 1; pass <= 2; pass++)
        {
            var watch = Stopwatch.StartNew();
            var ranking = new List<(string Name, double? Percent, long N, int Units)>();
            foreach (var round in rounds)
            {
                await using var one = Open();
                var scores = (await RoundScoring.ScoreAsync(one, round.Id, Actor.Cli()))!;
                ranking.Add((round.Name, scores.City?.Overall.Value, scores.Responses, scores.Units.Count));
            }
            var n = ranking.Sum(r => r.N);
            var units = ranking.Sum(r => r.Units);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"national ranking (pass {pass}): {ranking.Count} provinces, {units} units, {n:N0} answers in {watch.Elapsed.TotalSeconds:F1} s " +
                $"({n / watch.Elapsed.TotalSeconds:N0} answers/s, {watch.Elapsed.TotalMilliseconds / units:F1} ms per unit), load {Load()}"));
            if (pass == 2)
                foreach (var (r, i) in ranking.OrderByDescending(r => r.Percent).Select((r, i) => (r, i)).Take(5))
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1}. {r.Name}: {r.Percent:F2} % satisfied ({r.N:N0})"));
        }
    }
}
