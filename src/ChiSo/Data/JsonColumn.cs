using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ChiSo.Data;

/// <summary>A small list of records kept as one JSON text column (a criterion's levels, a group's bands), compared by
/// content so EF sees a changed list.</summary>
public static class JsonColumn
{
    public static PropertyBuilder<List<T>> HasJsonList<T>(this PropertyBuilder<List<T>> property) => property.HasConversion(
        v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
        v => JsonSerializer.Deserialize<List<T>>(v, (JsonSerializerOptions?)null) ?? new List<T>(),
        new ValueComparer<List<T>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)), v => v.ToList()));
}
