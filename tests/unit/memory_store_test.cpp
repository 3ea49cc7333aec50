// MemoryStore's journal through the Store interface: what goes in comes out field for field
// (it is packed into bytes inside), refused entries never make an id applied, and seen ids
// are found in short and long histories alike.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "approval/store.h"

using namespace approval;
using namespace approval::runtime;

namespace {

std::string describe(const JournalEntry& e) {
  std::string all = e.eventId + "|" + e.event + "|" + e.actor + "|" + std::to_string(e.time.nanoseconds) + "|" +
                    e.answer + "|" + e.detail + "|" + std::to_string(e.votes);
  for (const auto* list : {&e.guards, &e.actions, &e.emitted}) {
    all += "|" + std::to_string(list->size());
    for (const auto& text : *list) all += "[" + text + "]";
  }
  return all;
}

/// Starts instance `id` (version 0 to 1) with no journal entry.
void start(Store& store, const std::string& id) {
  Commit commit;
  commit.instance.instanceId = id;
  commit.instance.machineHash = "hash";
  auto status = store.commit(std::move(commit));
  REQUIRE(status.ok());
  REQUIRE(status.value() == CommitStatus::Committed);
}

/// Commits `entry` as an applied event of instance `id`, whose stored version is `version`.
CommitStatus commitEntry(Store& store, const std::string& id, std::uint64_t version, JournalEntry entry) {
  Commit commit;
  commit.instance.instanceId = id;
  commit.instance.machineHash = "hash";
  commit.instance.version = version;
  commit.journal = std::move(entry);
  auto status = store.commit(std::move(commit));
  REQUIRE(status.ok());
  return status.value();
}

}  // namespace

TEST_CASE("memory store: journal entries come back field for field") {
  auto store = makeMemoryStore();
  start(*store, "I");
  const std::string nul("a\0b", 3);
  std::vector<JournalEntry> entries = {
      {"", "", "", TimestampValue{0}, "", "", {}, {}, {}, 0},
      {"e1", "submit", "ann", TimestampValue{-5}, "Transitioned", "DRAFT → SUBMITTED", {"transition 1 → X: true"},
       {"validatePolicy"}, {"onApproved", ""}, 1},
      {std::string(200, 'i'), "ε-event ✓", nul, TimestampValue{std::numeric_limits<std::int64_t>::max()}, "Failed",
       std::string(20'000, 'd'), std::vector<std::string>(300, "g"), {nul, std::string(128, 'a')}, {}, -7},
      {"e3", "approve", "bob", TimestampValue{std::numeric_limits<std::int64_t>::min()}, "Stayed", "",
       {"", "transition 2 → Y: false"}, {}, {std::string(70'000, 'x')}, std::numeric_limits<std::int64_t>::max()},
  };
  std::uint64_t version = 1;
  for (const auto& entry : entries) REQUIRE(commitEntry(*store, "I", version++, entry) == CommitStatus::Committed);
  JournalEntry refused{"r1", "nope", "eve", TimestampValue{9}, "Rejected", "no transition on `nope`", {}, {}, {}, 0};
  REQUIRE(store->record("I", refused).ok());
  entries.push_back(refused);

  const auto journal = store->journal("I");
  REQUIRE(journal.ok());
  REQUIRE(journal.value().size() == entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CAPTURE(i);
    CHECK(describe(journal.value()[i]) == describe(entries[i]));
  }
}

TEST_CASE("memory store: applied ids are Duplicates in short and long histories; refused ones are not applied") {
  auto store = makeMemoryStore();
  start(*store, "I");
  std::uint64_t version = 1;
  auto entry = [](std::string id, std::string answer) {
    return JournalEntry{std::move(id), "next", "ann", TimestampValue{1}, std::move(answer), "", {}, {}, {}, 0};
  };
  for (int i = 0; i < 100; ++i) {
    const std::string id = "e" + std::to_string(i);
    if (i % 7 == 3) {  // refused first: recorded, not applied
      REQUIRE(store->record("I", entry(id, "Rejected")).ok());
      CHECK_FALSE(store->applied("I", id).value());
    }
    REQUIRE(commitEntry(*store, "I", version++, entry(id, "Transitioned")) == CommitStatus::Committed);
    CHECK(store->applied("I", id).value());
    // Every id so far stays applied, those from before the history grew long too.
    CHECK(store->applied("I", "e0").value());
    CHECK(store->applied("I", "e" + std::to_string(i / 2)).value());
    CHECK_FALSE(store->applied("I", "e" + std::to_string(i + 1)).value());
    // A second commit of a seen id is a DuplicateEvent and changes nothing.
    if (i % 10 == 0) {
      CHECK(commitEntry(*store, "I", version, entry("e0", "Transitioned")) == CommitStatus::DuplicateEvent);
    }
  }
  CHECK_FALSE(store->applied("I", "").value());
  CHECK_FALSE(store->applied("other", "e1").value());
  CHECK(store->journal("I").value().size() == 100 + 14);  // 14 refused entries (i % 7 == 3)
}
