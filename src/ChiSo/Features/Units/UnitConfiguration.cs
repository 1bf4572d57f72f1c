using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Units;

internal sealed class UnitConfiguration : IEntityTypeConfiguration<Unit>
{
    public void Configure(EntityTypeBuilder<Unit> b)
    {
        b.HasIndex(u => u.Code).IsUnique();
        b.Property(u => u.Code).HasMaxLength(40);
        b.Property(u => u.Name).HasMaxLength(300);
        b.Property(u => u.Kind).HasConversion<string>().HasMaxLength(40);
        b.HasOne(u => u.Parent).WithMany().HasForeignKey(u => u.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(u => u.Aliases).WithOne().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UnitAliasConfiguration : IEntityTypeConfiguration<UnitAlias>
{
    public void Configure(EntityTypeBuilder<UnitAlias> b) => b.HasIndex(a => a.Normalized).IsUnique();
}

internal sealed class UnitEventConfiguration : IEntityTypeConfiguration<UnitEvent>
{
    public void Configure(EntityTypeBuilder<UnitEvent> b)
    {
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
        b.HasMany(e => e.Parts).WithOne().HasForeignKey(p => p.UnitEventId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UnitEventPartConfiguration : IEntityTypeConfiguration<UnitEventPart>
{
    public void Configure(EntityTypeBuilder<UnitEventPart> b) =>
        b.HasOne(p => p.Unit).WithMany().HasForeignKey(p => p.UnitId).OnDelete(DeleteBehavior.Restrict);
}

internal sealed class UnitGroupConfiguration : IEntityTypeConfiguration<UnitGroup>
{
    public void Configure(EntityTypeBuilder<UnitGroup> b)
    {
        b.HasIndex(g => g.Name).IsUnique();
        b.PrimitiveCollection(g => g.Aliases);
        b.PrimitiveCollection(g => g.Kinds);
    }
}
