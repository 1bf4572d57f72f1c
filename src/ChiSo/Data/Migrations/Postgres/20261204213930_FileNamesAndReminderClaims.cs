using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChiSo.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FileNamesAndReminderClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<DateTime>(
                name: "SentAt",
                table: "RemindersSent",
                type: "timestamp with time zone",
                nullable: true,
                oldClrType: typeof(DateTime),
                oldType: "timestamp with time zone");

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "RemindersSent",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClaimedAt",
                table: "RemindersSent",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Problem",
                table: "RemindersSent",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "EvidenceFileNames",
                table: "ProgressUpdates",
                type: "text[]",
                nullable: false,
                defaultValue: new List<string>()); // hand-added: the column joins a table that has rows

            migrationBuilder.AddColumn<string>(
                name: "SourceFileName",
                table: "Plans",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FileName",
                table: "Evidence",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "RemindersSent");

            migrationBuilder.DropColumn(
                name: "ClaimedAt",
                table: "RemindersSent");

            migrationBuilder.DropColumn(
                name: "Problem",
                table: "RemindersSent");

            migrationBuilder.DropColumn(
                name: "EvidenceFileNames",
                table: "ProgressUpdates");

            migrationBuilder.DropColumn(
                name: "SourceFileName",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "FileName",
                table: "Evidence");

            migrationBuilder.AlterColumn<DateTime>(
                name: "SentAt",
                table: "RemindersSent",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified),
                oldClrType: typeof(DateTime),
                oldType: "timestamp with time zone",
                oldNullable: true);
        }
    }
}
