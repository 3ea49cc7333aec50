// Errors are values across the Engine's API: a store or a clock that throws reaches the host
// as an Error (or a Rejected answer from `fire`), never as an exception, from the calls that
// read an instance as from those that change one.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

#include "approval/clock.h"
#include "approval/engine.h"
#include "support/engine_events.h"
#include "support/forwarding_store.h"

using namespace approval;
using namespace approval::runtime;

namespace {

const char* const kMachine = R"(
state machine "tiny" {
  events { "go" }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go"
    B → A after 1h
  }
}
)";

/// The memory store, until `broken` is set: then every call the engine's API makes throws.
class BreakableStore final : public approval::test::ForwardingStore {
 public:
  std::shared_ptr<std::atomic<bool>> broken = std::make_shared<std::atomic<bool>>(false);

  Result<std::optional<InstanceRecord>> load(std::string_view id) override {
    failIfBroken();
    return inner_->load(id);
  }
  Result<CommitStatus> commit(Commit&& commit) override {
    failIfBroken();
    return inner_->commit(std::move(commit));
  }
  Result<std::vector<JournalEntry>> journal(std::string_view id) override {
    failIfBroken();
    return inner_->journal(id);
  }
  Result<std::vector<JournalEntry>> journalPage(std::string_view id, std::size_t from, std::size_t limit) override {
    failIfBroken();
    return inner_->journalPage(id, from, limit);
  }
  Result<std::optional<TimestampValue>> nextTimer() override {
    failIfBroken();
    return inner_->nextTimer();
  }
  StoreSlot* slot(std::string_view id, std::size_t idHash) override {
    failIfBroken();
    return inner_->slot(id, idHash);
  }

 private:
  void failIfBroken() const {
    if (*broken) throw std::runtime_error("disk gone");
  }
};

/// A virtual clock that throws while `broken` is set.
class BreakableClock final : public Clock {
 public:
  [[nodiscard]] TimestampValue now() const override {
    if (broken) throw std::runtime_error("no time source");
    return clock.now();
  }
  VirtualClock clock{TimestampValue{1'700'000'000LL * 1'000'000'000LL}};
  std::atomic<bool> broken{false};
};

}  // namespace

TEST_CASE("engine: a store that throws is an Error from every reading call, and from start") {
  auto store = std::make_unique<BreakableStore>();
  const auto broken = store->broken;
  EngineOptions options;
  options.store = std::move(store);
  Engine engine(std::move(options));
  REQUIRE(engine.loadSource(kMachine, "tiny.dsl").ok());
  REQUIRE(engine.start({"tiny", "I", "t", "{}"}).ok());
  REQUIRE(engine.fire("I", approval::test::event("e1", "go", "ann")).kind == FireAnswer::Kind::Transitioned);

  *broken = true;
  CHECK(engine.instance("I").error().message == "load threw: disk gone");
  CHECK(engine.history("I").error().message == "load threw: disk gone");
  CHECK(engine.history("I", 0, 10).error().message == "load threw: disk gone");
  CHECK(engine.handle("I").error().message == "load threw: disk gone");
  CHECK(engine.payloadFromJson("I", "go", "{}").error().message == "load threw: disk gone");
  CHECK(engine.nextTimerDue().error().message == "nextTimer threw: disk gone");
  CHECK(engine.start({"tiny", "J", "t", "{}"}).error().message == "store: commit threw: disk gone");
  const FireAnswer refused = engine.fire("I", approval::test::event("e2", "go", "ann"));
  CHECK(refused.kind == FireAnswer::Kind::Rejected);
  CHECK(refused.reason == "store: slot threw: disk gone");

  *broken = false;  // nothing was changed meanwhile
  CHECK(engine.instance("I").value().state == "B");
  CHECK(engine.history("I").value().size() == 1);
  CHECK_FALSE(engine.instance("J").ok());
}

TEST_CASE("engine: a store that throws only on reading the history is an Error from history()") {
  // load works; journal and journalPage throw.
  class HistoryLost final : public approval::test::ForwardingStore {
   public:
    Result<std::vector<JournalEntry>> journal(std::string_view) override { throw std::runtime_error("pages torn"); }
    Result<std::vector<JournalEntry>> journalPage(std::string_view, std::size_t, std::size_t) override {
      throw std::runtime_error("pages torn");
    }
  };
  EngineOptions options;
  options.store = std::make_unique<HistoryLost>();
  Engine engine(std::move(options));
  REQUIRE(engine.loadSource(kMachine, "tiny.dsl").ok());
  REQUIRE(engine.start({"tiny", "I", "t", "{}"}).ok());
  CHECK(engine.history("I").error().message == "journal threw: pages torn");
  CHECK(engine.history("I", 0, 1).error().message == "journalPage threw: pages torn");
}

TEST_CASE("engine: a clock that throws as start reads it is an Error, and nothing is started") {
  auto clock = std::make_shared<BreakableClock>();
  EngineOptions options;
  options.clock = clock;
  Engine engine(std::move(options));
  REQUIRE(engine.loadSource(kMachine, "tiny.dsl").ok());
  clock->broken = true;
  CHECK(engine.start({"tiny", "I", "t", "{}"}).error().message == "clock: now() threw: no time source");
  clock->broken = false;
  CHECK_FALSE(engine.instance("I").ok());
  CHECK(engine.start({"tiny", "I", "t", "{}"}).ok());
}
