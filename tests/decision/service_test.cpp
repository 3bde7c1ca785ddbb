// Tests decision::Service: the order of the levels (1, then 2, then the store), what each fills,
// and the generation and epoch tokens taken before level 2 and the store are read.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cache/local_cache.hpp"
#include "decision/service.hpp"
#include "exec/blocking_pool.hpp"
#include "metrics/service_metrics.hpp"
#include "support/demo_world.hpp"
#include "support/fake_shared_level.hpp"

namespace canopy::decision {
namespace {

using cache::Entry;
using cache::Presence;

constexpr char kSchool[] = "oakfield-primary";
// Demo state at oakfield-primary: wonde approved (v4, revision 1), parentpay pending.
const Query kWonde{.app = "wonde", .school = kSchool, .data_type = "Student"};

class DecisionService : public testing::DemoWorldTest {
 protected:
  void SetUp() override {
    DemoWorldTest::SetUp();
    checker_ = std::make_unique<Checker>(*live_, local_, *store_, *store_);
    service_ = std::make_unique<Service>(*checker_, &shared_, blocking_, &metrics_);
    stored_ = store_->find_connection(kSchool, "wonde")->revision;
  }
  void TearDown() override { blocking_.join(); }

  // Level 1 first; the levels behind it only on a miss, as the route asks them.
  Decision answer(const Query& q) {
    if (auto hit = service_->answer_cached(q)) return *hit;
    return testing::run_on(io_, service_->answer_uncached(q));
  }
  std::string counted() const {
    metrics::Exposition out;
    metrics_.write(out);
    return out.text();
  }

  cache::LocalCache local_;
  testing::FakeSharedLevel shared_;
  exec::BlockingPool blocking_{1};
  asio::io_context io_;
  metrics::ServiceMetrics metrics_;
  std::unique_ptr<Checker> checker_;
  std::unique_ptr<Service> service_;
  std::int64_t stored_ = 0;
};

TEST_F(DecisionService, ALevelOneHitAsksNothingElse) {
  ASSERT_TRUE(local_.put(kSchool, "wonde", {Presence::approved, 4, stored_}));
  const auto d = service_->answer_cached(kWonde);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->allow);
  EXPECT_EQ(d->reason, "approved");
  EXPECT_TRUE(shared_.calls.empty());
  EXPECT_NE(counted().find(R"(canopy_decision_cache_lookups_total{level="local",result="hit"} 1)"),
            std::string::npos)
      << counted();
}

TEST_F(DecisionService, ALevelTwoHitFillsLevelOneAndSkipsTheStore) {
  // Level 2 says rejected at a newer revision than the store's: the answer can only come from it.
  shared_.entries[{kSchool, "wonde"}] = {Presence::rejected, 4, stored_ + 1};
  EXPECT_FALSE(service_->answer_cached(kWonde).has_value());
  const auto d = testing::run_on(io_, service_->answer_uncached(kWonde));
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.reason, "rejected");
  EXPECT_EQ(shared_.calls, std::vector<std::string>{"fetch oakfield-primary/wonde"});
  ASSERT_TRUE(local_.get(kSchool, "wonde").has_value());
  EXPECT_EQ(local_.get(kSchool, "wonde")->revision, stored_ + 1);
  EXPECT_EQ(answer(kWonde).reason, "rejected");  // now from level 1
  EXPECT_EQ(shared_.calls.size(), 1u);
}

TEST_F(DecisionService, ALevelTwoMissReadsTheStoreAndFillsBothLevels) {
  shared_.current_epoch = 7;
  const auto d = answer(kWonde);
  EXPECT_TRUE(d.allow);
  EXPECT_EQ(shared_.calls, (std::vector<std::string>{"fetch oakfield-primary/wonde",
                                                     "remember oakfield-primary/wonde=approved@" +
                                                         std::to_string(stored_) + " e7"}));
  ASSERT_TRUE(local_.get(kSchool, "wonde").has_value());
  EXPECT_EQ(local_.get(kSchool, "wonde")->revision, stored_);
}

TEST_F(DecisionService, AnEntryLevelOneRefusesIsAMissAndTheStoreAnswers) {
  // A hold stands at the entry's revision (a reject is about to commit): level 2's approval is
  // not trusted, and the store is read.
  shared_.entries[{kSchool, "wonde"}] = {Presence::approved, 4, stored_};
  local_.hold(kSchool, "wonde", stored_, "reject-1");
  const auto d = answer(kWonde);
  EXPECT_TRUE(d.allow);  // the store still says approved: the reject has not committed
  EXPECT_EQ(shared_.calls.size(), 2u);
  EXPECT_EQ(shared_.calls.back().rfind("remember ", 0), 0u) << shared_.calls.back();
  EXPECT_NE(
      counted().find(R"(canopy_decision_cache_lookups_total{level="shared",result="miss"} 1)"),
      std::string::npos)
      << counted();
}

TEST_F(DecisionService, TheEpochIsTakenBeforeLevelTwoAndTheStoreAreRead) {
  // A new revocation epoch arrives while level 2 is asked: what the store then says is put in
  // level 2 under the epoch taken before, which replicas on the new one do not trust.
  shared_.current_epoch = 3;
  shared_.on_fetch = [&] { shared_.current_epoch = 4; };
  (void)answer(kWonde);
  ASSERT_EQ(shared_.calls.size(), 2u);
  EXPECT_EQ(shared_.calls[1],
            "remember oakfield-primary/wonde=approved@" + std::to_string(stored_) + " e3");
}

TEST_F(DecisionService, TheGenerationIsTakenBeforeLevelTwoAndTheStoreAreRead) {
  // Level 1 is cleared while level 2 is asked (a replica read a new epoch): the store's answer,
  // read for a lookup begun before, must not fill level 1.
  shared_.on_fetch = [&] { local_.clear(); };
  const auto d = answer(kWonde);
  EXPECT_TRUE(d.allow);
  EXPECT_FALSE(local_.get(kSchool, "wonde").has_value());
  // A lookup begun after the clear fills it.
  shared_.on_fetch = nullptr;
  shared_.entries.clear();
  (void)answer(kWonde);
  EXPECT_TRUE(local_.get(kSchool, "wonde").has_value());
}

TEST_F(DecisionService, EmbeddedModeGoesFromLevelOneToTheStore) {
  Service embedded(*checker_, nullptr, blocking_, nullptr);
  EXPECT_FALSE(embedded.answer_cached(kWonde).has_value());
  const auto d = testing::run_on(io_, embedded.answer_uncached(kWonde));
  EXPECT_TRUE(d.allow);
  EXPECT_TRUE(embedded.answer_cached(kWonde).has_value());
  EXPECT_TRUE(shared_.calls.empty());
}

}  // namespace
}  // namespace canopy::decision
