using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ChiSo.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SecretsAnonymity : Migration
    {
        // The SQL below is written by hand (keep it when migrations are regenerated; docs/decisions/0014, and LegacyMarkersTests
        // fails without it). Rows written before the markers were keyed: a used token's plain hash is replaced by a random value
        // (it can never be used again anyway); unused tokens of rounds still taking answers stay, flagged Legacy, and are checked
        // by their plain hash until used; dossier rows of closed rounds go, those of other rounds stay flagged Legacy until the
        // round closes. Every kept row is rewritten (a new xmin: this migration's transaction, not the answer's) and the tables
        // are then rewritten in key order (CLUSTER), so the heap no longer keeps the order the old rows came in.
        const string ClosedRounds = "SELECT \"Id\" FROM \"SurveyRounds\" WHERE \"Status\" = 'Closed'";
        const string RandomMarker = "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_UsedDossiers",
                table: "UsedDossiers");

            migrationBuilder.DropIndex(
                name: "IX_UsedDossiers_RoundId_Hash",
                table: "UsedDossiers");

            migrationBuilder.DropPrimaryKey(
                name: "PK_SurveyTokens",
                table: "SurveyTokens");

            migrationBuilder.DropIndex(
                name: "IX_SurveyTokens_Hash",
                table: "SurveyTokens");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "UsedDossiers");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "SurveyTokens");

            migrationBuilder.AddColumn<bool>(
                name: "Legacy",
                table: "UsedDossiers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Legacy",
                table: "SurveyTokens",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql($"""
                DELETE FROM "UsedDossiers" WHERE "RoundId" IN ({ClosedRounds});
                UPDATE "UsedDossiers" SET "Legacy" = TRUE;
                UPDATE "SurveyTokens" SET
                    "Hash" = CASE WHEN "Used" OR "RoundId" IN ({ClosedRounds}) THEN {RandomMarker} ELSE "Hash" END,
                    "Legacy" = NOT ("Used" OR "RoundId" IN ({ClosedRounds}));
                """);

            migrationBuilder.AddPrimaryKey(
                name: "PK_UsedDossiers",
                table: "UsedDossiers",
                columns: new[] { "RoundId", "Hash" });

            migrationBuilder.AddPrimaryKey(
                name: "PK_SurveyTokens",
                table: "SurveyTokens",
                column: "Hash");

            migrationBuilder.Sql("""
                CLUSTER "UsedDossiers" USING "PK_UsedDossiers";
                CLUSTER "SurveyTokens" USING "PK_SurveyTokens";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_UsedDossiers",
                table: "UsedDossiers");

            migrationBuilder.DropPrimaryKey(
                name: "PK_SurveyTokens",
                table: "SurveyTokens");

            migrationBuilder.DropColumn(
                name: "Legacy",
                table: "UsedDossiers");

            migrationBuilder.DropColumn(
                name: "Legacy",
                table: "SurveyTokens");

            migrationBuilder.AddColumn<int>(
                name: "Id",
                table: "UsedDossiers",
                type: "integer",
                nullable: false,
                defaultValue: 0)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddColumn<int>(
                name: "Id",
                table: "SurveyTokens",
                type: "integer",
                nullable: false,
                defaultValue: 0)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddPrimaryKey(
                name: "PK_UsedDossiers",
                table: "UsedDossiers",
                column: "Id");

            migrationBuilder.AddPrimaryKey(
                name: "PK_SurveyTokens",
                table: "SurveyTokens",
                column: "Id");

            migrationBuilder.CreateIndex(
                name: "IX_UsedDossiers_RoundId_Hash",
                table: "UsedDossiers",
                columns: new[] { "RoundId", "Hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyTokens_Hash",
                table: "SurveyTokens",
                column: "Hash",
                unique: true);
        }
    }
}
