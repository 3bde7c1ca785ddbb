// Tests the CSV export of an app's data (data_csv) and CSV cell quoting (csv_cell).
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "consent/export.hpp"
#include "policy/snapshot.hpp"
#include "support/temp_dir.hpp"

namespace canopy::consent {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines(const std::string& csv) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < csv.size()) {
    const auto end = csv.find("\r\n", start);
    if (end == std::string::npos) {
      out.push_back(csv.substr(start));
      break;
    }
    out.push_back(csv.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

// A small catalogue and one app, loaded the way production loads them.
class ExportCsv : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("permissions.yaml",
               "permissions:\n  - name: \"School: User Accounts: Administer\"\n");
    dir_.write("business_roles.yaml",
               "business_roles:\n  - id: school_administrator\n    name: Admin\n"
               "    site_kind: school\n    permissions: [\"School: User Accounts: Administer\"]\n");
    dir_.write("data_types.yaml",
               "data_types:\n"
               "  - name: Student\n    fields: [firstName, lastName, dateOfBirth]\n"
               "  - name: Detention\n    fields: [student, reason, attended]\n");
    dir_.write(
        "apps/seatplanner.yaml",
        "app:\n  id: seatplanner\n  name: Seat Planner\n  vendor: Planner Ltd\n"
        "  kind: partner\n  live: true\n  competitor: false\n"
        "permission_set:\n  version: 3\n  data_types:\n"
        "    - type: Student\n      fields: [lastName, firstName]\n      operations: [read]\n"
        "    - type: Detention\n      fields: all\n      operations: [read, write, delete]\n");
    auto loaded = policy::load_policies(dir_.path());
    ASSERT_TRUE(loaded.errors.empty()) << loaded.errors.front();
    policy_ = loaded.snapshot;
  }
  const policy::App& app() const { return *policy_->find_app("seatplanner"); }

  testing::TempDir dir_;
  std::shared_ptr<const policy::PolicySnapshot> policy_;
};

TEST_F(ExportCsv, HeaderRow) {
  const auto rows = lines(data_csv(app()));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], "app,permission_set_version,data_type,field,read,write,update,delete");
}

TEST_F(ExportCsv, RowsEndWithCrLf) {
  const auto csv = data_csv(app());
  ASSERT_GE(csv.size(), 2u);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  for (std::size_t i = 0; i < csv.size(); ++i) {
    if (csv[i] == '\n') {
      EXPECT_TRUE(i > 0 && csv[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST_F(ExportCsv, AllFieldsGrantExpandsToEveryCatalogueField) {
  const auto rows = lines(data_csv(app()));
  ASSERT_FALSE(rows.empty());
  const std::multiset<std::string> body(rows.begin() + 1, rows.end());
  const std::multiset<std::string> want{
      "Seat Planner,3,Detention,student,yes,yes,no,yes",
      "Seat Planner,3,Detention,reason,yes,yes,no,yes",
      "Seat Planner,3,Detention,attended,yes,yes,no,yes",
      "Seat Planner,3,Student,firstName,yes,no,no,no",
      "Seat Planner,3,Student,lastName,yes,no,no,no",
  };
  EXPECT_EQ(body, want);
}

TEST_F(ExportCsv, YesNoColumnsFollowTheOperations) {
  for (const auto& row : lines(data_csv(app()))) {
    if (row.find(",Detention,") != std::string::npos) {
      EXPECT_TRUE(row.ends_with(",yes,yes,no,yes")) << row;
    } else if (row.find(",Student,") != std::string::npos) {
      EXPECT_TRUE(row.ends_with(",yes,no,no,no")) << row;
    }
  }
}

TEST_F(ExportCsv, SpecificFieldsOnlyListThoseFields) {
  const auto csv = data_csv(app());
  EXPECT_EQ(csv.find("dateOfBirth"), std::string::npos) << csv;
}

TEST_F(ExportCsv, AppNameIsEscaped) {
  policy::App odd = app();
  odd.name = "=Evil, \"Inc\"";
  const auto rows = lines(data_csv(odd));
  ASSERT_GE(rows.size(), 2u);
  EXPECT_TRUE(rows[1].starts_with("\"'=Evil, \"\"Inc\"\"\",3,")) << rows[1];
}

TEST(ExportCsvRealPolicy, EveryWondeFieldIsListed) {
  auto loaded = policy::load_policies(fs::path(CANOPY_SOURCE_DIR) / "policies");
  ASSERT_TRUE(loaded.errors.empty());
  const auto& policy = *loaded.snapshot;
  const auto* wonde = policy.find_app("wonde");
  ASSERT_NE(wonde, nullptr);
  const auto rows = lines(data_csv(*wonde));
  std::size_t expected = 1;  // the header
  for (const auto& g : wonde->permissions.grants()) {
    ASSERT_TRUE(g.all_fields) << g.data_type;
    expected += policy.find_data_type(g.data_type)->fields.size();
  }
  EXPECT_EQ(rows.size(), expected);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_TRUE(rows[i].starts_with("Wonde,4,")) << rows[i];
    EXPECT_TRUE(rows[i].ends_with(",yes,no,no,no")) << rows[i];
  }
}

TEST(CsvCell, PlainValuesAreUnchanged) {
  EXPECT_EQ(csv_cell("firstName"), "firstName");
  EXPECT_EQ(csv_cell(""), "");
  EXPECT_EQ(csv_cell("Class Charts"), "Class Charts");
  EXPECT_EQ(csv_cell("a-b"), "a-b");  // only a leading '-' is a formula
}

TEST(CsvCell, CommasAndQuotesAreQuoted) {
  EXPECT_EQ(csv_cell("Smith, Jones and Co"), "\"Smith, Jones and Co\"");
  EXPECT_EQ(csv_cell("the \"best\" app"), "\"the \"\"best\"\" app\"");
  EXPECT_EQ(csv_cell("\""), "\"\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell("cr\rhere"), "\"cr\rhere\"");
}

TEST(CsvCell, FormulaLeadingCharactersGetAnApostrophe) {
  EXPECT_EQ(csv_cell("=SUM(A1:A9)"), "'=SUM(A1:A9)");
  EXPECT_EQ(csv_cell("+44 20 7946 0000"), "'+44 20 7946 0000");
  EXPECT_EQ(csv_cell("-1"), "'-1");
  EXPECT_EQ(csv_cell("@cmd"), "'@cmd");
  // Both at once: the apostrophe goes inside the quotes.
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
}

}  // namespace
}  // namespace canopy::consent
