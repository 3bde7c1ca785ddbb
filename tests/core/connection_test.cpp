// Tests the per-school connection state machine: canopy::next_status and its string forms.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/connection.hpp"

namespace canopy {
namespace {

using S = ConnectionStatus;
using A = AdminAction;

constexpr S kStatuses[] = {S::pending, S::approved, S::rejected};
constexpr A kActions[] = {A::approve, A::reject, A::cancel};

// The whole machine, written out: nullopt where the transition is illegal.
std::optional<S> expected_next(S from, A action) {
  switch (action) {
    case A::approve:
      if (from == S::pending || from == S::rejected) return S::approved;
      return std::nullopt;
    case A::reject:
      if (from == S::pending || from == S::approved) return S::rejected;
      return std::nullopt;
    case A::cancel:
      if (from == S::pending) return S::pending;
      return std::nullopt;
  }
  return std::nullopt;
}

void expect_next(S from, A action, S to) {
  auto r = next_status(from, action);
  ASSERT_TRUE(r.ok()) << to_string(action) << " from " << to_string(from) << ": "
                      << r.error().message;
  EXPECT_EQ(*r, to) << to_string(action) << " from " << to_string(from);
}

void expect_illegal(S from, A action) {
  auto r = next_status(from, action);
  ASSERT_FALSE(r.ok()) << to_string(action) << " from " << to_string(from) << " gave "
                       << to_string(*r);
  EXPECT_EQ(r.error().code, Errc::invalid_transition);
  EXPECT_NE(r.error().message.find(std::string(to_string(action))), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find(std::string(to_string(from))), std::string::npos)
      << r.error().message;
}

TEST(ConnectionStateMachine, ApproveFromPending) {
  expect_next(S::pending, A::approve, S::approved);
}
TEST(ConnectionStateMachine, RejectFromPending) {
  expect_next(S::pending, A::reject, S::rejected);
}
TEST(ConnectionStateMachine, CancelFromPendingStaysPending) {
  expect_next(S::pending, A::cancel, S::pending);
}
TEST(ConnectionStateMachine, RevokeIsRejectFromApproved) {
  expect_next(S::approved, A::reject, S::rejected);
}
TEST(ConnectionStateMachine, ReapproveIsApproveFromRejected) {
  expect_next(S::rejected, A::approve, S::approved);
}

TEST(ConnectionStateMachine, ApproveFromApprovedIsIllegal) {
  expect_illegal(S::approved, A::approve);
}
TEST(ConnectionStateMachine, RejectFromRejectedIsIllegal) {
  expect_illegal(S::rejected, A::reject);
}
TEST(ConnectionStateMachine, CancelFromApprovedIsIllegal) {
  expect_illegal(S::approved, A::cancel);
}
TEST(ConnectionStateMachine, CancelFromRejectedIsIllegal) {
  expect_illegal(S::rejected, A::cancel);
}

TEST(ConnectionStateMachine, EveryPairMatchesTheTable) {
  int legal = 0;
  int illegal = 0;
  for (S from : kStatuses) {
    for (A action : kActions) {
      SCOPED_TRACE(std::string(to_string(action)) + " from " + std::string(to_string(from)));
      if (auto want = expected_next(from, action)) {
        expect_next(from, action, *want);
        ++legal;
      } else {
        expect_illegal(from, action);
        ++illegal;
      }
    }
  }
  EXPECT_EQ(legal, 5);
  EXPECT_EQ(illegal, 4);
}

TEST(ConnectionStateMachine, CancelIsLegalOnlyFromPending) {
  for (S from : kStatuses) {
    EXPECT_EQ(next_status(from, A::cancel).ok(), from == S::pending) << to_string(from);
  }
}

TEST(ConnectionStatusText, RoundTrips) {
  for (S s : kStatuses) {
    auto parsed = parse_connection_status(to_string(s));
    ASSERT_TRUE(parsed.has_value()) << to_string(s);
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(to_string(S::pending), "pending");
  EXPECT_EQ(to_string(S::approved), "approved");
  EXPECT_EQ(to_string(S::rejected), "rejected");
}

TEST(ConnectionStatusText, RejectsUnknownAndWrongCase) {
  for (const char* text :
       {"", "Pending", "APPROVED", "revoked", "cancelled", " pending", "pending "}) {
    EXPECT_FALSE(parse_connection_status(text).has_value()) << '"' << text << '"';
  }
}

TEST(ConnectionActionText, Names) {
  EXPECT_EQ(to_string(A::approve), "approve");
  EXPECT_EQ(to_string(A::reject), "reject");
  EXPECT_EQ(to_string(A::cancel), "cancel");
}

}  // namespace
}  // namespace canopy
