using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChiSo.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(DateTime),
                oldType: "TEXT");

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "RemindersSent",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClaimedAt",
                table: "RemindersSent",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Problem",
                table: "RemindersSent",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EvidenceFileNames",
                table: "ProgressUpdates",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "SourceFileName",
                table: "Plans",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FileName",
                table: "Evidence",
                type: "TEXT",
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
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified),
                oldClrType: typeof(DateTime),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
