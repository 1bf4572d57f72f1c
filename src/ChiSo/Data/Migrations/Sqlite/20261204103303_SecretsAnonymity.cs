using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChiSo.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SecretsAnonymity : Migration
    {
        // Written by hand, not by EF (keep it when migrations are regenerated; docs/decisions/0014, and the tests
        // MarkerTablesTests and LegacyMarkersTests fail without it):
        // - EF Core 10 cannot make a WITHOUT ROWID table. Without a rowid, the marker tables are stored in the order of their key
        //   (round, keyed marker), and no hidden column numbers the rows in the order answers came in.
        // - Rows written before the markers were keyed: a used token's plain hash is replaced by a random value (it can never be
        //   used again anyway); unused tokens of rounds still taking answers stay, flagged Legacy, and are checked by their plain
        //   hash until used; dossier rows of closed rounds go, those of other rounds stay flagged Legacy until the round closes.
        // - secure_delete: the pages that held the old rows (with their sequential ids) are overwritten with zeros, not just freed.
        const string ClosedRounds = "SELECT \"Id\" FROM \"SurveyRounds\" WHERE \"Status\" = 'Closed'";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("PRAGMA secure_delete = ON;", suppressTransaction: false);
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_SurveyTokens" (
                    "Hash" TEXT NOT NULL CONSTRAINT "PK_SurveyTokens" PRIMARY KEY,
                    "RoundId" INTEGER NOT NULL,
                    "UnitId" INTEGER NOT NULL,
                    "Group" TEXT NOT NULL,
                    "Used" INTEGER NOT NULL,
                    "Legacy" INTEGER NOT NULL,
                    CONSTRAINT "FK_SurveyTokens_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql($"""
                INSERT INTO "ef_temp_SurveyTokens" ("Hash", "RoundId", "UnitId", "Group", "Used", "Legacy")
                SELECT CASE WHEN "Used" OR "RoundId" IN ({ClosedRounds}) THEN lower(hex(randomblob(32))) ELSE "Hash" END,
                       "RoundId", "UnitId", "Group", "Used", NOT ("Used" OR "RoundId" IN ({ClosedRounds}))
                FROM "SurveyTokens" ORDER BY "Hash";
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_UsedDossiers" (
                    "RoundId" INTEGER NOT NULL,
                    "Hash" TEXT NOT NULL,
                    "Legacy" INTEGER NOT NULL,
                    CONSTRAINT "PK_UsedDossiers" PRIMARY KEY ("RoundId", "Hash"),
                    CONSTRAINT "FK_UsedDossiers_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql($"""
                INSERT INTO "ef_temp_UsedDossiers" ("RoundId", "Hash", "Legacy")
                SELECT "RoundId", "Hash", 1 FROM "UsedDossiers" WHERE "RoundId" NOT IN ({ClosedRounds}) ORDER BY "RoundId", "Hash";
                """);
            migrationBuilder.Sql("""
                DROP TABLE "SurveyTokens";
                DROP TABLE "UsedDossiers";
                ALTER TABLE "ef_temp_SurveyTokens" RENAME TO "SurveyTokens";
                ALTER TABLE "ef_temp_UsedDossiers" RENAME TO "UsedDossiers";
                CREATE INDEX "IX_SurveyTokens_RoundId" ON "SurveyTokens" ("RoundId");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to numbered rows. The keyed markers stay as they are: a version before 0014 cannot check them.
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_SurveyTokens" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyTokens" PRIMARY KEY AUTOINCREMENT,
                    "RoundId" INTEGER NOT NULL,
                    "UnitId" INTEGER NOT NULL,
                    "Group" TEXT NOT NULL,
                    "Hash" TEXT NOT NULL,
                    "Used" INTEGER NOT NULL,
                    CONSTRAINT "FK_SurveyTokens_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE
                );
                INSERT INTO "ef_temp_SurveyTokens" ("RoundId", "UnitId", "Group", "Hash", "Used") SELECT "RoundId", "UnitId", "Group", "Hash", "Used" FROM "SurveyTokens";
                CREATE TABLE "ef_temp_UsedDossiers" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_UsedDossiers" PRIMARY KEY AUTOINCREMENT,
                    "RoundId" INTEGER NOT NULL,
                    "Hash" TEXT NOT NULL,
                    CONSTRAINT "FK_UsedDossiers_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE
                );
                INSERT INTO "ef_temp_UsedDossiers" ("RoundId", "Hash") SELECT "RoundId", "Hash" FROM "UsedDossiers";
                DROP TABLE "SurveyTokens";
                DROP TABLE "UsedDossiers";
                ALTER TABLE "ef_temp_SurveyTokens" RENAME TO "SurveyTokens";
                ALTER TABLE "ef_temp_UsedDossiers" RENAME TO "UsedDossiers";
                CREATE UNIQUE INDEX "IX_SurveyTokens_Hash" ON "SurveyTokens" ("Hash");
                CREATE INDEX "IX_SurveyTokens_RoundId" ON "SurveyTokens" ("RoundId");
                CREATE UNIQUE INDEX "IX_UsedDossiers_RoundId_Hash" ON "UsedDossiers" ("RoundId", "Hash");
                """);
        }
    }
}
