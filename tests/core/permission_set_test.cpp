// Tests PermissionSet::check, the Operations bit mask and operation names.
#include <gtest/gtest.h>

#include <optional>
#include <string_view>
#include <vector>

#include "core/operation.hpp"
#include "core/permission_set.hpp"

namespace canopy {
namespace {

using V = GrantVerdict;

Operations ops(std::initializer_list<Operation> list) {
  Operations out;
  for (Operation op : list)
    out.add(op);
  return out;
}

DataTypeGrant grant(std::string type, std::vector<std::string> fields, Operations operations,
                    bool all_fields = false) {
  DataTypeGrant g;
  g.data_type = std::move(type);
  g.all_fields = all_fields;
  g.fields = std::move(fields);
  g.operations = operations;
  return g;
}

// The catalogue's BehaviouralIncident fields: an all-fields grant carries every one of them.
const std::vector<std::string> kIncidentFields{"student",  "incidentType", "incidentDate",
                                               "location", "description",  "points"};

// Grants deliberately given out of order: the constructor sorts types and fields.
PermissionSet sample() {
  return PermissionSet(
      7, {grant("Student", {"lastName", "firstName", "yearGroup"}, ops({Operation::read})),
          grant("BehaviouralIncident", kIncidentFields,
                ops({Operation::read, Operation::write, Operation::update}), true),
          grant("Detention", {"student", "reason"}, ops({Operation::read, Operation::del}))});
}

TEST(PermissionSetCheck, VersionAndSortedGrants) {
  const auto set = sample();
  EXPECT_EQ(set.version(), 7);
  ASSERT_EQ(set.grants().size(), 3u);
  EXPECT_EQ(set.grants()[0].data_type, "BehaviouralIncident");
  EXPECT_EQ(set.grants()[1].data_type, "Detention");
  EXPECT_EQ(set.grants()[2].data_type, "Student");
  EXPECT_EQ(set.grants()[2].fields,
            (std::vector<std::string>{"firstName", "lastName", "yearGroup"}));
  ASSERT_NE(set.find("Student"), nullptr);
  EXPECT_EQ(set.find("Staff"), nullptr);
}

TEST(PermissionSetCheck, GrantedSpecificField) {
  const auto set = sample();
  EXPECT_EQ(set.check("Student", "firstName", Operation::read), V::granted);
  EXPECT_EQ(set.check("Student", "yearGroup", Operation::read), V::granted);
  EXPECT_EQ(set.check("Detention", "reason", Operation::del), V::granted);
}

TEST(PermissionSetCheck, DataTypeNotGranted) {
  const auto set = sample();
  EXPECT_EQ(set.check("Staff", std::nullopt, Operation::read), V::data_type_not_granted);
  EXPECT_EQ(set.check("Staff", "firstName", Operation::read), V::data_type_not_granted);
  EXPECT_EQ(set.check("student", "firstName", Operation::read), V::data_type_not_granted);
  EXPECT_EQ(set.check("", std::nullopt, Operation::read), V::data_type_not_granted);
  EXPECT_EQ(PermissionSet().check("Student", std::nullopt, Operation::read),
            V::data_type_not_granted);
}

TEST(PermissionSetCheck, FieldNotGrantedForSpecificFields) {
  const auto set = sample();
  EXPECT_EQ(set.check("Student", "dateOfBirth", Operation::read), V::field_not_granted);
  EXPECT_EQ(set.check("Student", "FirstName", Operation::read), V::field_not_granted);
  EXPECT_EQ(set.check("Student", "", Operation::read), V::field_not_granted);
  EXPECT_EQ(set.check("Detention", "attended", Operation::read), V::field_not_granted);
}

TEST(PermissionSetCheck, FieldIsCheckedBeforeOperation) {
  // Neither the field nor the operation is granted: the field is what is reported.
  EXPECT_EQ(sample().check("Student", "dateOfBirth", Operation::update), V::field_not_granted);
}

TEST(PermissionSetCheck, AllFieldsGrantsAnyCatalogueField) {
  const auto set = sample();
  for (const auto& f : kIncidentFields) {
    EXPECT_EQ(set.check("BehaviouralIncident", f, Operation::read), V::granted) << f;
    EXPECT_EQ(set.check("BehaviouralIncident", f, Operation::update), V::granted) << f;
  }
  EXPECT_EQ(set.check("BehaviouralIncident", "student", Operation::del), V::operation_not_granted);
  ASSERT_NE(set.find("BehaviouralIncident"), nullptr);
  EXPECT_TRUE(set.find("BehaviouralIncident")->all_fields);
}

TEST(PermissionSetCheck, AllFieldsNeverGrantsAFieldTheCatalogueDoesNotKnow) {
  const auto set = sample();
  for (std::string_view f : {"anything", "x", "", "Student", "STUDENT"}) {
    EXPECT_EQ(set.check("BehaviouralIncident", f, Operation::read), V::field_not_granted) << f;
  }
}

TEST(PermissionSetCheck, NoFieldAsksAboutTheDataType) {
  const auto set = sample();
  EXPECT_EQ(set.check("Student", std::nullopt, Operation::read), V::granted);
  EXPECT_EQ(set.check("BehaviouralIncident", std::nullopt, Operation::update), V::granted);
  EXPECT_EQ(set.check("Student", std::nullopt, Operation::write), V::operation_not_granted);
}

TEST(PermissionSetCheck, OperationNotGranted) {
  const auto set = sample();
  EXPECT_EQ(set.check("Student", "firstName", Operation::write), V::operation_not_granted);
  EXPECT_EQ(set.check("Student", "firstName", Operation::update), V::operation_not_granted);
  EXPECT_EQ(set.check("Student", "firstName", Operation::del), V::operation_not_granted);
  EXPECT_EQ(set.check("BehaviouralIncident", std::nullopt, Operation::del),
            V::operation_not_granted);
  EXPECT_EQ(set.check("Detention", "student", Operation::write), V::operation_not_granted);
  EXPECT_EQ(set.check("Detention", "student", Operation::update), V::operation_not_granted);
}

TEST(PermissionSetCheck, VerdictNames) {
  EXPECT_EQ(to_string(V::granted), "granted");
  EXPECT_EQ(to_string(V::data_type_not_granted), "data_type_not_granted");
  EXPECT_EQ(to_string(V::field_not_granted), "field_not_granted");
  EXPECT_EQ(to_string(V::operation_not_granted), "operation_not_granted");
}

TEST(PermissionOperations, EmptyByDefault) {
  Operations o;
  EXPECT_TRUE(o.empty());
  EXPECT_FALSE(o.only_read());
  for (Operation op : kAllOperations)
    EXPECT_FALSE(o.has(op)) << to_string(op);
}

TEST(PermissionOperations, EachOperationIsItsOwnBit) {
  for (Operation added : kAllOperations) {
    Operations o;
    o.add(added);
    EXPECT_FALSE(o.empty());
    for (Operation op : kAllOperations) {
      EXPECT_EQ(o.has(op), op == added)
          << "added " << to_string(added) << ", asked " << to_string(op);
    }
    EXPECT_EQ(o.only_read(), added == Operation::read);
  }
}

TEST(PermissionOperations, AddIsIdempotentAndCombines) {
  Operations a;
  a.add(Operation::read);
  a.add(Operation::read);
  EXPECT_TRUE(a.only_read());
  EXPECT_EQ(a, ops({Operation::read}));
  a.add(Operation::del);
  EXPECT_FALSE(a.only_read());
  EXPECT_TRUE(a.has(Operation::read));
  EXPECT_TRUE(a.has(Operation::del));
  EXPECT_FALSE(a.has(Operation::write));
  EXPECT_FALSE(a.has(Operation::update));
  EXPECT_EQ(a, ops({Operation::del, Operation::read}));
  EXPECT_NE(a, ops({Operation::read}));
  const Operations all =
      ops({Operation::read, Operation::write, Operation::update, Operation::del});
  for (Operation op : kAllOperations)
    EXPECT_TRUE(all.has(op));
}

TEST(PermissionParseOperation, NamesRoundTrip) {
  EXPECT_EQ(to_string(Operation::read), "read");
  EXPECT_EQ(to_string(Operation::write), "write");
  EXPECT_EQ(to_string(Operation::update), "update");
  EXPECT_EQ(to_string(Operation::del), "delete");
  for (Operation op : kAllOperations) {
    auto parsed = parse_operation(to_string(op));
    ASSERT_TRUE(parsed.has_value()) << to_string(op);
    EXPECT_EQ(*parsed, op);
  }
  EXPECT_EQ(parse_operation("delete"), Operation::del);
}

TEST(PermissionParseOperation, RejectsOtherSpellings) {
  for (std::string_view text :
       {"Delete", "DELETE", "del", "remove", "create", "Read", "", "read ", "writes"}) {
    EXPECT_FALSE(parse_operation(text).has_value()) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace canopy
