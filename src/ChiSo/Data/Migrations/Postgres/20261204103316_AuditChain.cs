using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChiSo.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "PublishedHeadAt",
                table: "Cycles",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublishedHeadHash",
                table: "Cycles",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PublishedHeadSeq",
                table: "Cycles",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "Audit",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PrevHash",
                table: "Audit",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Seq",
                table: "Audit",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Audit_Seq",
                table: "Audit",
                column: "Seq",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Audit_Seq",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "PublishedHeadAt",
                table: "Cycles");

            migrationBuilder.DropColumn(
                name: "PublishedHeadHash",
                table: "Cycles");

            migrationBuilder.DropColumn(
                name: "PublishedHeadSeq",
                table: "Cycles");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "PrevHash",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "Seq",
                table: "Audit");
        }
    }
}
