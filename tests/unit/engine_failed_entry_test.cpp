// A Failed step that still changes its instance (an undo that failed kept in the saga, a
// timer re-armed for a retry) stores its history entry in the same commit as that change, on
// both paths: a durable store keeps both or neither, and a store whose `record` fails still
// has the entry. A Failed step that changes nothing records its entry alone.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "approval/clock.h"
#include "approval/engine.h"
#include "support/engine_events.h"
#include "support/forwarding_store.h"

using namespace approval;
using namespace approval::runtime;
using approval::test::event;
using Kind = FireAnswer::Kind;

namespace {

constexpr std::int64_t kHour = 3'600'000'000'000LL;

/// The memory store, its `record` refused: an entry reaches the history only by a commit.
/// With `direct`, the direct path (slot, applyDirect) goes to the memory store as well.
class NoRecordStore final : public approval::test::ForwardingStore {
 public:
  explicit NoRecordStore(bool direct) : direct_(direct) {}
  int records = 0;
  int unappliedCommits = 0;

  Result<CommitStatus> commit(Commit&& commit) override {
    if (commit.journal && !commit.journalApplies) ++unappliedCommits;
    return inner_->commit(std::move(commit));
  }
  Result<bool> record(std::string_view, const JournalEntry&) override {
    ++records;
    return Error{"record refused"};
  }
  StoreSlot* slot(std::string_view id, std::size_t idHash) override { return direct_ ? inner_->slot(id, idHash) : nullptr; }
  DirectOutcome applyDirect(StoreSlot& slot, const DirectEvent& event, const DirectPlanner& planner) override {
    return inner_->applyDirect(slot, event, planner);
  }

 private:
  bool direct_;
};

/// "pay" books, then charges, which fails: the booking's undo runs, and fails while
/// `cancelFailures` lasts. "pay" with no booking fails and changes nothing. "undo" runs the
/// saga. B's timer charges too.
const char* const kShop = R"(
state machine "shop" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "pay" → book() compensate cancelBooking(), charge()
    A → B on "payOnly" → charge()
    A → B on "open"
    B → C after 1h → charge()
    [A, B, C] → C on "undo" → compensate()
  }
}
)";

struct Shop {
  NoRecordStore* store = nullptr;
  std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  std::unique_ptr<Engine> engine;
  int cancelFailures = 0;
  int cancels = 0;

  explicit Shop(bool direct) {
    auto owned = std::make_unique<NoRecordStore>(direct);
    store = owned.get();
    EngineOptions options;
    options.store = std::move(owned);
    options.clock = clock;
    options.timerRetry = DurationValue{kHour};
    engine = std::make_unique<Engine>(std::move(options));
    engine->bindAction("book", [](const ActionCall&) { return ActionResult::ok(); });
    engine->bindAction("charge", [](const ActionCall&) { return ActionResult::failure("card declined"); });
    engine->bindAction("cancelBooking", [this](const ActionCall&) {
      if (cancelFailures > 0) {
        --cancelFailures;
        return ActionResult::failure("ledger down");
      }
      ++cancels;
      return ActionResult::ok();
    });
    REQUIRE(engine->loadSource(kShop, "shop.dsl").ok());
    REQUIRE(engine->start({"shop", "i", "t", "{}"}).ok());
  }

  JournalEntry lastEntry() {
    auto history = engine->history("i");
    REQUIRE(history.ok());
    REQUIRE_FALSE(history.value().empty());
    return history.value().back();
  }
};

}  // namespace

TEST_CASE("engine: a Failed step whose undo is kept in the saga commits its history entry with it") {
  for (const bool direct : {true, false}) {
    CAPTURE(direct);
    Shop shop(direct);
    shop.cancelFailures = 1;
    const FireAnswer failed = shop.engine->fire("i", event("p", "pay", "ann"));
    CHECK(failed.kind == Kind::Failed);
    CHECK(failed.reason == "card declined");  // nothing "not recorded in the history"
    REQUIRE(failed.compensations.size() == 1);
    CHECK(failed.compensations[0].starts_with("compensation of cancelBooking (failed: ledger down"));
    CHECK(shop.store->records == 0);
    CHECK(shop.store->unappliedCommits == 1);
    const JournalEntry entry = shop.lastEntry();
    CHECK(entry.eventId == "p");
    CHECK(entry.answer == "Failed");
    CHECK(entry.detail == "charge: card declined");
    // Not applied: the same id is tried again (and fails again, its undo working now).
    CHECK(shop.engine->fire("i", event("p", "pay", "ann")).kind == Kind::Failed);
    CHECK(shop.cancels == 1);
    // The undo the first try owed is still in the saga.
    const FireAnswer undone = shop.engine->fire("i", event("u", "undo", "ann"));
    CHECK(undone.kind == Kind::Transitioned);
    CHECK(undone.compensations == std::vector<std::string>{"cancelBooking"});
    CHECK(shop.cancels == 2);
  }
}

TEST_CASE("engine: a Failed timer step commits its history entry with its retry") {
  for (const bool direct : {true, false}) {
    CAPTURE(direct);
    Shop shop(direct);
    REQUIRE(shop.engine->fire("i", event("o", "open", "ann")).kind == Kind::Transitioned);
    const std::int64_t opened = shop.clock->now().nanoseconds;
    shop.clock->advance({kHour});
    const auto fired = shop.engine->runDueTimers();
    REQUIRE(fired.size() == 1);
    CHECK(fired[0].second.kind == Kind::Failed);
    CHECK(fired[0].second.reason == "card declined");
    CHECK(shop.store->records == 0);
    CHECK(shop.store->unappliedCommits == 1);
    const JournalEntry entry = shop.lastEntry();
    CHECK(entry.answer == "Failed");
    CHECK(entry.detail == "charge: card declined");
    const auto next = shop.engine->nextTimerDue();
    REQUIRE(next.ok());
    REQUIRE(next.value().has_value());
    CHECK(next.value()->nanoseconds == opened + 2 * kHour);  // retried an hour after it failed
  }
}

TEST_CASE("engine: a Failed step that changes nothing records its entry alone, and says when it cannot") {
  for (const bool direct : {true, false}) {
    CAPTURE(direct);
    Shop shop(direct);
    const FireAnswer failed = shop.engine->fire("i", event("p", "payOnly", "ann"));
    CHECK(failed.kind == Kind::Failed);
    CHECK(failed.reason == "card declined (not recorded in the history: store: record refused)");
    CHECK(shop.store->records == 1);
    CHECK(shop.store->unappliedCommits == 0);
  }
}
