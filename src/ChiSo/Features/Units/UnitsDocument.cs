namespace ChiSo.Features.Units;

/// <summary>The organisation registry as a portable document (built-in data, import and export).</summary>
public sealed record UnitsDocument
{
    public List<UnitDocument> Units { get; init; } = [];
    public List<UnitEventDocument> Events { get; init; } = [];
    public List<UnitGroupDocument> Groups { get; init; } = [];
    public List<UnitSuccessionDocument> Successions { get; init; } = [];
}

public sealed record UnitDocument
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public string? ShortName { get; init; }
    public string? NameEn { get; init; }
    public required string Kind { get; init; }
    /// <summary>"ward" or "commune" for the commune level; see <see cref="Unit.Subkind"/>.</summary>
    public string? Subkind { get; init; }
    public string? Parent { get; init; }
    public DateOnly? ValidFrom { get; init; }
    public DateOnly? ValidTo { get; init; }
    public List<string> Aliases { get; init; } = [];
}

public sealed record UnitEventDocument
{
    public DateOnly Date { get; init; }
    public required string Kind { get; init; }
    public List<string> From { get; init; } = [];
    public List<string> To { get; init; } = [];
    public string? Reference { get; init; }
    public string? Note { get; init; }
}

/// <summary>One predecessor's work passing to one successor, with the document that decided it.</summary>
public sealed record UnitSuccessionDocument
{
    public required string From { get; init; }
    public required string To { get; init; }
    public DateOnly Date { get; init; }
    public required string Reference { get; init; }
    public DateOnly? ReferenceDate { get; init; }
    public string? Share { get; init; }
    public string? Note { get; init; }
    /// <summary>Where the row came from ("Trang 'Kế thừa', dòng 4") for the report; not part of the document.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Row { get; init; }
}

public sealed record UnitGroupDocument
{
    public required string Name { get; init; }
    public List<string> Aliases { get; init; } = [];
    public List<string> Kinds { get; init; } = [];
}

public static class UnitKinds
{
    static readonly Dictionary<string, UnitKind> ByKey = new()
    {
        ["city"] = UnitKind.City,
        ["department"] = UnitKind.Department,
        ["department-level-agency"] = UnitKind.DepartmentLevelAgency,
        ["district"] = UnitKind.District,
        ["commune"] = UnitKind.Commune,
        ["public-service-unit"] = UnitKind.PublicServiceUnit,
        ["central-branch"] = UnitKind.CentralBranch,
        ["council"] = UnitKind.Council,
        ["organisation"] = UnitKind.Organisation,
    };

    public static UnitKind? Parse(string key) => ByKey.TryGetValue(key, out var k) ? k : null;
    public static string Key(this UnitKind kind) => ByKey.First(p => p.Value == kind).Key;

    public static string Vietnamese(this UnitKind kind) => kind switch
    {
        UnitKind.City => "Thành phố",
        UnitKind.Department => "Sở",
        UnitKind.DepartmentLevelAgency => "Cơ quan tương đương Sở",
        UnitKind.District => "Quận, huyện, thị xã",
        UnitKind.Commune => "Xã, phường, thị trấn",
        UnitKind.PublicServiceUnit => "Đơn vị sự nghiệp công lập",
        UnitKind.CentralBranch => "Cơ quan Trung ương trên địa bàn",
        UnitKind.Council => "Hội đồng nhân dân",
        UnitKind.Organisation => "Tổ chức, đoàn thể",
        _ => kind.ToString(),
    };

    public static string English(this UnitKind kind) => kind switch
    {
        UnitKind.City => "City",
        UnitKind.Department => "Department",
        UnitKind.DepartmentLevelAgency => "Department-level agency",
        UnitKind.District => "District",
        UnitKind.Commune => "Commune / ward",
        UnitKind.PublicServiceUnit => "Public service unit",
        UnitKind.CentralBranch => "Central agency branch",
        UnitKind.Council => "People's Council",
        UnitKind.Organisation => "Organisation",
        _ => kind.ToString(),
    };

    public static readonly string[] Subkinds = ["ward", "commune"];

    public static string SubkindVietnamese(string? subkind) => subkind switch { "ward" => "Phường", "commune" => "Xã", _ => "" };
    public static string SubkindEnglish(string? subkind) => subkind switch { "ward" => "Ward", "commune" => "Commune", _ => "" };

    public static UnitEventKind? ParseEvent(string key) => key switch
    {
        "merge" => UnitEventKind.Merge,
        "split" => UnitEventKind.Split,
        "rename" => UnitEventKind.Rename,
        "establish" => UnitEventKind.Establish,
        "dissolve" => UnitEventKind.Dissolve,
        _ => null,
    };
}
