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
        b.Property(u => u.Subkind).HasMaxLength(20);
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

internal sealed class UnitSuccessionConfiguration : IEntityTypeConfiguration<UnitSuccession>
{
    public void Configure(EntityTypeBuilder<UnitSuccession> b)
    {
        b.HasIndex(s => new { s.PredecessorId, s.SuccessorId }).IsUnique();
        b.HasIndex(s => s.SuccessorId);
        b.Property(s => s.Reference).HasMaxLength(100);
        b.Property(s => s.Share).HasMaxLength(200);
        b.Property(s => s.Note).HasMaxLength(1000);
        b.HasOne(s => s.Predecessor).WithMany().HasForeignKey(s => s.PredecessorId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(s => s.Successor).WithMany().HasForeignKey(s => s.SuccessorId).OnDelete(DeleteBehavior.Restrict);
    }
}
