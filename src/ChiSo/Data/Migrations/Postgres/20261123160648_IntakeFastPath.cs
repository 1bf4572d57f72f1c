using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChiSo.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IntakeFastPath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ReviewVersion",
                table: "SurveyRounds",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "AnswersHash",
                table: "SurveyResponses",
                type: "bigint",
                nullable: true);

            migrationBuilder.DropIndex(
                name: "IX_SurveyResponses_RoundId_UnitId_Group",
                table: "SurveyResponses");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_RoundId_UnitId_Group_Review",
                table: "SurveyResponses",
                columns: new[] { "RoundId", "UnitId", "Group", "Review" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_RoundId_AnswersHash",
                table: "SurveyResponses",
                columns: new[] { "RoundId", "AnswersHash" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SurveyResponses_RoundId_AnswersHash",
                table: "SurveyResponses");

            migrationBuilder.DropIndex(
                name: "IX_SurveyResponses_RoundId_UnitId_Group_Review",
                table: "SurveyResponses");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_RoundId_UnitId_Group",
                table: "SurveyResponses",
                columns: new[] { "RoundId", "UnitId", "Group" });

            migrationBuilder.DropColumn(
                name: "ReviewVersion",
                table: "SurveyRounds");

            migrationBuilder.DropColumn(
                name: "AnswersHash",
                table: "SurveyResponses");
        }
    }
}
