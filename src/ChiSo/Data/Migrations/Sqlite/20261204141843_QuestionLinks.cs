using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChiSo.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QuestionLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Linked",
                table: "Questionnaires",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "QuestionLinks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    QuestionId = table.Column<int>(type: "INTEGER", nullable: false),
                    CriterionId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuestionLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuestionLinks_Criteria_CriterionId",
                        column: x => x.CriterionId,
                        principalTable: "Criteria",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_QuestionLinks_Questions_QuestionId",
                        column: x => x.QuestionId,
                        principalTable: "Questions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuestionLinks_CriterionId",
                table: "QuestionLinks",
                column: "CriterionId");

            migrationBuilder.CreateIndex(
                name: "IX_QuestionLinks_QuestionId_CriterionId",
                table: "QuestionLinks",
                columns: new[] { "QuestionId", "CriterionId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "QuestionLinks");

            migrationBuilder.DropColumn(
                name: "Linked",
                table: "Questionnaires");
        }
    }
}
