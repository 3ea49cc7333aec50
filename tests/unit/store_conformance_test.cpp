// The store conformance checks (tests/support/store_conformance.h): the memory store keeps
// the contract, and stores that break one rule each are caught by the check for that rule.
#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "approval/store.h"
#include "support/forwarding_store.h"
#include "support/store_conformance.h"

using namespace approval;
using namespace approval::runtime;
using approval::test::ForwardingStore;
using approval::test::storeConformanceChecks;
using approval::test::storeConformanceFailures;

namespace {


/// Orders timers due at the same time by transition, as `ORDER BY due` with an index on the
/// transition might: not in the order they were added.
class TiesByTransition : public ForwardingStore {
 public:
  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    auto due = inner_->dueTimers(now, std::size_t(-1));
    if (!due) return due;
    auto timers = std::move(due).value();
    std::stable_sort(timers.begin(), timers.end(), [](const TimerRecord& a, const TimerRecord& b) {
      return a.due.nanoseconds != b.due.nanoseconds ? a.due.nanoseconds < b.due.nanoseconds : a.transition < b.transition;
    });
    if (timers.size() > limit) timers.resize(limit);
    return timers;
  }
};

/// Puts its unique key over the whole history: an id that record() wrote counts as applied.
class KeyOverHistory : public ForwardingStore {
 public:
  Result<bool> record(std::string_view id, const JournalEntry& entry) override {
    {
      std::lock_guard lock(mutex_);
      recorded_.insert(std::string(id) + "/" + entry.eventId);
    }
    return inner_->record(id, entry);
  }
  Result<bool> applied(std::string_view id, std::string_view eventId) override {
    {
      std::lock_guard lock(mutex_);
      if (recorded_.contains(std::string(id) + "/" + std::string(eventId))) return true;
    }
    return inner_->applied(id, eventId);
  }

 private:
  std::mutex mutex_;
  std::set<std::string> recorded_;
};

/// Applies every committed entry, as a store written before Commit::journalApplies would.
class AppliesEveryCommit : public ForwardingStore {
 public:
  Result<CommitStatus> commit(Commit&& commit) override {
    commit.journalApplies = true;
    return inner_->commit(std::move(commit));
  }
};

/// Keeps Store's default claimDueTimers, which claims nothing: enough for one engine.
class ClaimsNothing : public ForwardingStore {
 public:
  Result<std::vector<TimerRecord>> claimDueTimers(TimestampValue now, std::size_t limit, std::string_view claimant,
                                                  TimestampValue until) override {
    return Store::claimDueTimers(now, limit, claimant, until);
  }
};

/// Last writer wins: every commit is applied at the stored version, whatever it was read at.
class IgnoresVersions : public ForwardingStore {
 public:
  Result<CommitStatus> commit(Commit&& commit) override {
    std::lock_guard lock(mutex_);
    auto stored = inner_->load(commit.instance.instanceId);
    if (!stored) return stored.error();
    commit.instance.version = stored.value() ? stored.value()->version : 0;
    return inner_->commit(std::move(commit));
  }

 private:
  std::mutex mutex_;
};

/// Consumes a timer by instance and transition only, so a retry's new timer goes with it.
class ConsumesLoosely : public ForwardingStore {
 public:
  Result<CommitStatus> commit(Commit&& commit) override {
    if (commit.consumedTimer) {
      auto pending = inner_->dueTimers(commit.instance.instanceId, TimestampValue{std::numeric_limits<std::int64_t>::max()});
      if (!pending) return pending.error();
      for (const auto& timer : pending.value()) {
        if (timer.transition == commit.consumedTimer->transition) commit.consumedTimer = timer;
      }
    }
    return inner_->commit(std::move(commit));
  }
};

/// Keeps unsigned context values as signed ones, as a codec with one integer column might.
class OneIntegerKind : public ForwardingStore {
 public:
  Result<std::optional<InstanceRecord>> load(std::string_view id) override {
    auto loaded = inner_->load(id);
    if (!loaded || !loaded.value()) return loaded;
    for (auto& value : loaded.value()->context) {
      if (value.is<std::uint64_t>()) value = Value(static_cast<std::int64_t>(value.as<std::uint64_t>()));
    }
    return loaded;
  }
};

/// Pages through Store's default, which slices journal().
class DefaultPages : public ForwardingStore {
 public:
  Result<std::vector<JournalEntry>> journalPage(std::string_view id, std::size_t from, std::size_t limit) override {
    return Store::journalPage(id, from, limit);
  }
};

/// Counts pages from 1, as SQL's row numbers do.
class PagesFromOne : public ForwardingStore {
 public:
  Result<std::vector<JournalEntry>> journalPage(std::string_view id, std::size_t from, std::size_t limit) override {
    return inner_->journalPage(id, from + 1, limit);
  }
};

/// Throws instead of returning an Error.
class ThrowsOnJournal : public ForwardingStore {
 public:
  Result<std::vector<JournalEntry>> journal(std::string_view) override { throw std::runtime_error("disk on fire"); }
};

/// Which checks a store fails, and what they said (shown when an assertion fails).
struct Verdict {
  std::set<std::string> checks;
  std::string said;
};

Verdict verdictOn(const approval::test::StoreFactory& makeStore) {
  Verdict verdict;
  for (const auto& failure : storeConformanceFailures(makeStore)) {
    verdict.checks.insert(failure.check);
    verdict.said += failure.check + ": " + failure.what + "\n";
  }
  return verdict;
}

template <typename S>
approval::test::StoreFactory makerOf() {
  return [] { return std::make_unique<S>(); };
}

}  // namespace

TEST_CASE("store conformance: the memory store keeps the contract") {
  const Verdict verdict = verdictOn([] { return makeMemoryStore(); });
  INFO(verdict.said);
  CHECK(verdict.checks.empty());
  const auto names = storeConformanceChecks();
  CHECK(names.size() == 12);
  CHECK(std::set(names.begin(), names.end()).size() == names.size());
}

TEST_CASE("store conformance: each broken rule is caught by its own check") {
  struct Case {
    const char* store;
    approval::test::StoreFactory make;
    std::set<std::string> failing;  // the checks it must fail, and no others
    std::string mayAlsoFail;        // a check whose failure is likely, not certain
  };
  const std::vector<Case> cases{
      // The memory store passed through passes: what the others fail comes from their defects.
      {"ForwardingStore", makerOf<ForwardingStore>(), {}, ""},
      {"DefaultPages", makerOf<DefaultPages>(), {}, ""},
      {"TiesByTransition", makerOf<TiesByTransition>(), {"due timers come in order"}, ""},
      {"KeyOverHistory", makerOf<KeyOverHistory>(), {"recorded entries apply nothing"}, ""},
      {"ClaimsNothing", makerOf<ClaimsNothing>(), {"due timers are claimed"}, ""},
      {"AppliesEveryCommit", makerOf<AppliesEveryCommit>(), {"unapplied commits apply nothing"}, ""},
      // The lost increments need two threads' commits to overlap.
      {"IgnoresVersions", makerOf<IgnoresVersions>(),
       {"unknown instances", "versions conflict", "unapplied commits apply nothing"},
       "concurrent commits lose nothing"},
      {"ConsumesLoosely", makerOf<ConsumesLoosely>(), {"timer changes apply in order"}, ""},
      {"PagesFromOne", makerOf<PagesFromOne>(), {"journal pages"}, ""},
      {"OneIntegerKind", makerOf<OneIntegerKind>(), {"records round-trip"}, ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.store);
    const Verdict verdict = verdictOn(c.make);
    INFO(verdict.said);
    auto checks = verdict.checks;
    checks.erase(c.mayAlsoFail);
    CHECK(checks == c.failing);
  }
  const auto thrown = storeConformanceFailures(makerOf<ThrowsOnJournal>());
  REQUIRE_FALSE(thrown.empty());
  CHECK(thrown.front().what == "the store threw (errors are values): disk on fire");
}

TEST_CASE("store conformance: a factory that makes no store fails every check") {
  const auto failures = storeConformanceFailures([] { return std::unique_ptr<Store>(); });
  CHECK(failures.size() == storeConformanceChecks().size());
  CHECK(failures.front().what == "the factory made no store");
}
