#include "support/store_conformance.h"

#include <atomic>
#include <cstdint>
#include <exception>
#include <latch>
#include <limits>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

namespace approval::test {

namespace {

using namespace approval::runtime;

/// Ends a check at its first failure.
struct CheckFailed {
  std::string what;
};

[[noreturn]] void fail(std::string what) { throw CheckFailed{std::move(what)}; }

void expect(bool holds, const std::string& what) {
  if (!holds) fail(what);
}

template <typename T>
T unwrap(Result<T> result, std::string_view call) {
  if (!result) fail(std::string(call) + " returned an error: " + result.error().message);
  return std::move(result).value();
}

const char* statusName(CommitStatus status) {
  switch (status) {
    case CommitStatus::Committed: return "Committed";
    case CommitStatus::Conflict: return "Conflict";
    case CommitStatus::DuplicateEvent: return "DuplicateEvent";
  }
  return "an unknown CommitStatus";
}

void expectStatus(Result<CommitStatus> got, CommitStatus expected, std::string_view what) {
  const CommitStatus status = unwrap(std::move(got), "commit");
  expect(status == expected, std::string(what) + ": commit answered " + statusName(status) + ", expected " +
                                 statusName(expected));
}

std::string describe(const TimerRecord& timer) {
  return timer.instanceId + "#" + std::to_string(timer.transition) + "@" + std::to_string(timer.visit) + " due " +
         std::to_string(timer.due.nanoseconds);
}

std::string describe(const std::vector<TimerRecord>& timers) {
  std::string all = "[";
  for (const auto& timer : timers) all += (all.size() > 1 ? ", " : "") + describe(timer);
  return all + "]";
}

std::string describe(const JournalEntry& entry) {
  std::string all = entry.eventId + "|" + entry.event + "|" + entry.actor + "|" + std::to_string(entry.time.nanoseconds) +
                    "|" + entry.answer + "|" + entry.detail + "|" + std::to_string(entry.votes);
  for (const auto* list : {&entry.guards, &entry.actions, &entry.emitted}) {
    all += "|" + std::to_string(list->size());
    for (const auto& text : *list) all += "[" + text + "]";
  }
  return all;
}

/// The first field in which two records differ, or empty.
std::string differingField(const InstanceRecord& expected, const InstanceRecord& got) {
  if (got.instanceId != expected.instanceId) return "instanceId";
  if (got.tenantId != expected.tenantId) return "tenantId";
  if (got.machineHash != expected.machineHash) return "machineHash";
  if (got.state != expected.state) return "state";
  if (got.context != expected.context) return "context";
  if (got.enteredAt != expected.enteredAt) return "enteredAt";
  if (got.visit != expected.visit) return "visit";
  if (got.votes != expected.votes) return "votes";
  if (got.saga != expected.saga) return "saga";
  if (got.version != expected.version) {
    return "version (" + std::to_string(got.version) + ", expected " + std::to_string(expected.version) + ")";
  }
  return {};
}

InstanceRecord loaded(Store& store, const std::string& instanceId) {
  auto record = unwrap(store.load(instanceId), "load");
  if (!record) fail("load(\"" + instanceId + "\") found no instance after it was committed");
  return std::move(*record);
}

void expectRecord(Store& store, const InstanceRecord& expected, std::string_view when) {
  const std::string field = differingField(expected, loaded(store, expected.instanceId));
  expect(field.empty(), std::string(when) + ": the loaded record differs in " + field);
}

/// A record that uses every field, and values of every kind a context holds.
InstanceRecord fullRecord(std::string instanceId) {
  InstanceRecord record;
  record.instanceId = std::move(instanceId);
  record.tenantId = "acme ✓";
  record.machineHash = "sha256:5eed";
  record.state = 3;
  ValueMap map;
  map.emplace(Value("k"), Value(std::int64_t{1}));
  map.emplace(Value(std::int64_t{2}), Value(ValueList{Value(false)}));
  record.context = {Value(NullValue{}),
                    Value(true),
                    Value(std::numeric_limits<std::int64_t>::min()),
                    Value(std::numeric_limits<std::uint64_t>::max()),
                    Value(-0.25),
                    Value(""),
                    Value("ε ✓"),
                    Value(std::string("a\0b", 3)),
                    Value(std::string(300, 's')),
                    Value(DurationValue{-86'400'000'000'000}),
                    Value(TimestampValue{1'700'000'000'123'456'789}),
                    Value(ValueList{Value("a"), Value(std::int64_t{1}), Value(ValueList{})}),
                    Value(std::move(map))};
  record.enteredAt = TimestampValue{1'700'000'000'000'000'001};
  record.visit = 7;
  record.votes = {{"approve", {"ann", "bob"}}, {"reject", {"eve"}}};
  record.saga = {{"refund", {Value(std::int64_t{12}), Value("EUR")}}, {"unlock", {}}};
  return record;
}

JournalEntry entry(std::string eventId, std::string answer = "Transitioned") {
  return {std::move(eventId), "next", "ann", TimestampValue{1}, std::move(answer), "A → B", {}, {}, {}, 0};
}

/// Commits `record` at its version (0: a new instance), with an entry for `eventId` if given.
Result<CommitStatus> commitAt(Store& store, InstanceRecord record, std::optional<std::string> eventId = {}) {
  Commit commit;
  commit.instance = std::move(record);
  if (eventId) commit.journal = entry(std::move(*eventId));
  return store.commit(std::move(commit));
}

InstanceRecord started(Store& store, const std::string& instanceId) {
  InstanceRecord record;
  record.instanceId = instanceId;
  record.machineHash = "sha256:5eed";
  expectStatus(commitAt(store, record), CommitStatus::Committed, "starting an instance (version 0)");
  record.version = 1;
  return record;
}

TimerRecord timer(std::string instanceId, std::uint32_t transition, std::int64_t due, std::uint64_t visit = 1) {
  return {std::move(instanceId), transition, visit, TimestampValue{due}};
}

/// Commits timer changes on `record` (at its version), and bumps it.
void commitTimers(Store& store, InstanceRecord& record, std::vector<TimerRecord> timers, bool replace = false,
                  std::optional<TimerRecord> consumed = {}) {
  Commit commit;
  commit.instance = record;
  commit.replaceTimers = replace;
  commit.timers = std::move(timers);
  commit.consumedTimer = std::move(consumed);
  expectStatus(store.commit(std::move(commit)), CommitStatus::Committed, "a commit changing timers");
  ++record.version;
}

std::vector<TimerRecord> pending(Store& store, const std::string& instanceId) {
  return unwrap(store.dueTimers(instanceId, TimestampValue{std::numeric_limits<std::int64_t>::max()}),
                "dueTimers(instance)");
}

// The checks. Each sentence of the contract they hold a store to is quoted in its failures.

void unknownInstances(Store& store) {
  expect(!unwrap(store.load("nobody"), "load").has_value(), "load of an instance never committed found one");
  expect(!unwrap(store.applied("nobody", "e1"), "applied"), "applied() is true for an instance never committed");
  expect(unwrap(store.journal("nobody"), "journal").empty(), "journal() of an instance never committed is not empty");
  expect(unwrap(store.instanceCount(), "instanceCount") == 0, "an empty store counts instances");
  expect(!unwrap(store.nextTimer(), "nextTimer").has_value(), "an empty store has a next timer");
  expect(unwrap(store.dueTimers(TimestampValue{0}, 10), "dueTimers").empty(), "an empty store has due timers");
  expectStatus(commitAt(store, [] {
                 InstanceRecord record;
                 record.instanceId = "ghost";
                 record.version = 3;
                 return record;
               }()),
               CommitStatus::Conflict, "a commit at version 3 of an instance never committed");
  expect(!unwrap(store.load("ghost"), "load").has_value(), "a commit answered Conflict created its instance");
}

void recordsRoundTrip(Store& store) {
  InstanceRecord record = fullRecord("I-1");
  expectStatus(commitAt(store, record), CommitStatus::Committed, "a new instance (version 0)");
  record.version = 1;
  expectRecord(store, record, "after the first commit");
  // The next commit replaces every field; emptied votes and saga must come back empty.
  InstanceRecord next = record;
  next.state = 0;
  next.context = {Value(std::int64_t{5})};
  next.visit = 8;
  next.votes.clear();
  next.saga.clear();
  next.tenantId = "other";
  expectStatus(commitAt(store, next, "e1"), CommitStatus::Committed, "the next commit at the stored version");
  next.version = 2;
  expectRecord(store, next, "after a second commit");
  expect(unwrap(store.instanceCount(), "instanceCount") == 1, "one instance committed twice is not counted once");
  started(store, "I-2");
  expect(unwrap(store.instanceCount(), "instanceCount") == 2, "two instances are not counted two");
}

void versionsConflict(Store& store) {
  InstanceRecord record = started(store, "I");
  record.state = 1;
  expectStatus(commitAt(store, record, "e1"), CommitStatus::Committed, "a commit at the stored version");
  const InstanceRecord stored = loaded(store, "I");
  InstanceRecord stale = record;  // version 1, stored 2
  stale.state = 9;
  expectStatus(commitAt(store, stale, "e2"), CommitStatus::Conflict, "a commit at a version older than the stored one");
  InstanceRecord ahead = record;
  ahead.version = 7;
  ahead.state = 9;
  expectStatus(commitAt(store, ahead, "e3"), CommitStatus::Conflict, "a commit at a version the store never had");
  InstanceRecord fresh = record;
  fresh.version = 0;
  fresh.state = 9;
  expectStatus(commitAt(store, fresh, "e4"), CommitStatus::Conflict, "a version 0 whose instance exists");
  expectRecord(store, stored, "after three commits answered Conflict");
  expect(unwrap(store.journal("I"), "journal").size() == 1, "a commit answered Conflict wrote its journal entry");
  for (const char* id : {"e2", "e3", "e4"}) {
    expect(!unwrap(store.applied("I", id), "applied"), std::string("a commit answered Conflict applied ") + id);
  }
}

void appliedIdsAreDuplicates(Store& store) {
  InstanceRecord record = started(store, "I");
  expectStatus(commitAt(store, record, "e1"), CommitStatus::Committed, "a commit with a new event id");
  ++record.version;
  const InstanceRecord stored = loaded(store, "I");
  InstanceRecord again = record;
  again.state = 4;
  expectStatus(commitAt(store, again, "e1"), CommitStatus::DuplicateEvent, "a commit whose event id was applied");
  expectRecord(store, stored, "after a DuplicateEvent");
  expect(unwrap(store.journal("I"), "journal").size() == 1, "a DuplicateEvent wrote its journal entry");
  expect(unwrap(store.applied("I", "e1"), "applied"), "a committed event id is not applied");
  expect(!unwrap(store.applied("I", "e2"), "applied"), "an id never seen is applied");
  expect(!unwrap(store.applied("other", "e1"), "applied"), "an id applied by one instance is applied by another");
  // Another instance may apply the same id.
  InstanceRecord other = started(store, "J");
  expectStatus(commitAt(store, other, "e1"), CommitStatus::Committed, "another instance's commit of the same id");
}

void recordedEntriesApplyNothing(Store& store) {
  InstanceRecord record = started(store, "I");
  expect(unwrap(store.record("I", entry("e1", "Failed")), "record"), "record() of an existing instance answered false");
  expect(!unwrap(store.applied("I", "e1"), "applied"), "an id only record()ed is applied");
  expectStatus(commitAt(store, record, "e1"), CommitStatus::Committed,
               "a commit of an id that only record() wrote (a retried Failed event)");
  ++record.version;
  expect(unwrap(store.record("I", entry("e1", "Duplicate")), "record"), "record() of a Duplicate answered false");
  expect(unwrap(store.record("I", entry("e1", "Duplicate")), "record"), "record() of a second Duplicate answered false");
  const auto journal = unwrap(store.journal("I"), "journal");
  expect(journal.size() == 4, "the history does not hold every entry of one id (" + std::to_string(journal.size()) +
                                  " entries, expected 4)");
  expect(loaded(store, "I").version == record.version, "record() changed the instance's version");
}

/// A Failed step that changes the instance (an undo kept in the saga, a timer re-armed)
/// commits its entry with the change, without applying the entry's id.
void unappliedCommitsApplyNothing(Store& store) {
  InstanceRecord record = started(store, "I");
  Commit failed;
  failed.instance = record;
  failed.instance.saga = {{"refund", {Value("EUR")}}};
  failed.journal = entry("f1", "Failed");
  failed.journalApplies = false;
  expectStatus(store.commit(std::move(failed)), CommitStatus::Committed, "a commit whose entry does not apply");
  ++record.version;
  record.saga = {{"refund", {Value("EUR")}}};
  expectRecord(store, record, "after a commit whose entry does not apply");
  expect(!unwrap(store.applied("I", "f1"), "applied"), "the id of a commit whose entry does not apply is applied");
  expect(unwrap(store.journal("I"), "journal").size() == 1, "a commit whose entry does not apply left no history entry");
  Commit stale;
  stale.instance = record;
  --stale.instance.version;
  stale.journal = entry("f1", "Failed");
  stale.journalApplies = false;
  expectStatus(store.commit(std::move(stale)), CommitStatus::Conflict,
               "a commit whose entry does not apply, at a version that is not the stored one");
  expectStatus(commitAt(store, record, "f1"), CommitStatus::Committed,
               "a commit of an id that only a commit whose entry does not apply wrote (a retried Failed event)");
  expect(unwrap(store.journal("I"), "journal").size() == 2, "the history does not hold both entries of the id");
}

void journalRoundTrips(Store& store) {
  InstanceRecord record = started(store, "I");
  const std::string nul("a\0b", 3);
  const std::vector<JournalEntry> entries = {
      {"e0", "", "", TimestampValue{0}, "Stayed", "", {}, {}, {}, 0},
      {"e1", "submit", "ann", TimestampValue{-5}, "Transitioned", "DRAFT → SUBMITTED", {"transition 1 → X: true"},
       {"validatePolicy"}, {"onApproved", ""}, 1},
      {"r1", "ε-event ✓", nul, TimestampValue{std::numeric_limits<std::int64_t>::max()}, "Failed",
       std::string(5'000, 'd'), std::vector<std::string>(40, "g"), {nul, "refund"}, {}, -7},
      {"e2", "approve", "bob", TimestampValue{std::numeric_limits<std::int64_t>::min()}, "Stayed", "",
       {"", "transition 2 → Y: false"}, {}, {std::string(2'000, 'x')}, std::numeric_limits<std::int64_t>::max()},
      {"r2", "nope", "eve", TimestampValue{9}, "Rejected", "no transition on `nope`", {}, {}, {}, 0},
  };
  for (const auto& journalEntry : entries) {
    if (journalEntry.eventId.starts_with("r")) {  // a history entry that applies nothing
      expect(unwrap(store.record("I", journalEntry), "record"), "record() of an existing instance answered false");
      continue;
    }
    Commit commit;
    commit.instance = record;
    commit.journal = journalEntry;
    expectStatus(store.commit(std::move(commit)), CommitStatus::Committed, "a commit with a journal entry");
    ++record.version;
  }
  const auto journal = unwrap(store.journal("I"), "journal");
  expect(journal.size() == entries.size(), "the journal has " + std::to_string(journal.size()) + " entries, expected " +
                                               std::to_string(entries.size()));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    expect(describe(journal[i]) == describe(entries[i]),
           "journal entry " + std::to_string(i) + " (in the order of the commit and record calls) came back as `" +
               describe(journal[i]).substr(0, 120) + "`, expected `" + describe(entries[i]).substr(0, 120) + "`");
  }
}

void journalPages(Store& store) {
  InstanceRecord record = started(store, "I");
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back("e" + std::to_string(i));
    if (i % 3 == 1) {
      expect(unwrap(store.record("I", entry(ids.back(), "Rejected")), "record"), "record() answered false");
      continue;
    }
    expectStatus(commitAt(store, record, ids.back()), CommitStatus::Committed, "a commit with a new event id");
    ++record.version;
  }
  auto idsOf = [](const std::vector<JournalEntry>& entries) {
    std::vector<std::string> found;
    for (const auto& journalEntry : entries) found.push_back(journalEntry.eventId);
    return found;
  };
  auto page = [&](std::size_t from, std::size_t limit) {
    return idsOf(unwrap(store.journalPage("I", from, limit), "journalPage"));
  };
  auto slice = [&](std::size_t from, std::size_t count) {
    return std::vector<std::string>(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                    ids.begin() + static_cast<std::ptrdiff_t>(from + count));
  };
  expect(page(0, 3) == slice(0, 3), "journalPage(0, 3) is not the first three entries");
  expect(page(3, 3) == slice(3, 3), "journalPage(3, 3) is not entries 3 to 5");
  expect(page(6, 3) == slice(6, 1), "journalPage(6, 3) is not the last entry alone");
  expect(page(7, 3).empty(), "journalPage past the end is not empty");
  expect(page(2, 0).empty(), "journalPage with limit 0 is not empty");
  expect(page(1, std::size_t(-1)) == slice(1, 6), "journalPage(1, no limit) is not all but the first");
  expect(unwrap(store.journalPage("nobody", 0, 10), "journalPage").empty(),
         "journalPage of an instance never committed is not empty");
}

void timerChangesApplyInOrder(Store& store) {
  InstanceRecord record = started(store, "I");
  commitTimers(store, record, {timer("I", 1, 10), timer("I", 2, 20)});
  commitTimers(store, record, {timer("I", 3, 30)});
  expect(pending(store, "I") == std::vector{timer("I", 1, 10), timer("I", 2, 20), timer("I", 3, 30)},
         "timers added by two commits: " + describe(pending(store, "I")));
  commitTimers(store, record, {});
  expect(pending(store, "I").size() == 3, "a commit that adds no timers removed some: " + describe(pending(store, "I")));
  // consumedTimer removes only the timer equal in all four fields.
  commitTimers(store, record, {}, false, timer("I", 1, 11));
  expect(pending(store, "I").size() == 3, "consumedTimer removed a timer whose due time differs: " +
                                              describe(pending(store, "I")));
  commitTimers(store, record, {}, false, timer("I", 1, 10, 2));
  expect(pending(store, "I").size() == 3, "consumedTimer removed a timer whose visit differs: " +
                                              describe(pending(store, "I")));
  // A failed timer's retry: consumed, then added again with a later due time by one commit.
  commitTimers(store, record, {timer("I", 1, 40)}, false, timer("I", 1, 10));
  expect(pending(store, "I") == std::vector{timer("I", 2, 20), timer("I", 3, 30), timer("I", 1, 40)},
         "consumedTimer and timers in one commit: " + describe(pending(store, "I")));
  // replaceTimers removes all first, then consumedTimer, then timers are added.
  commitTimers(store, record, {timer("I", 5, 50, 2), timer("I", 4, 50, 2)}, true, timer("I", 5, 50, 2));
  expect(pending(store, "I") == std::vector{timer("I", 5, 50, 2), timer("I", 4, 50, 2)},
         "replaceTimers, consumedTimer and timers in one commit: " + describe(pending(store, "I")));
  commitTimers(store, record, {}, true);
  expect(pending(store, "I").empty(), "replaceTimers with no timers left some: " + describe(pending(store, "I")));
}

void dueTimersInOrder(Store& store) {
  InstanceRecord first = started(store, "I");
  InstanceRecord second = started(store, "J");
  // Ties are added out of transition order on purpose: the order added is what counts.
  commitTimers(store, first, {timer("I", 2, 5), timer("I", 1, 5), timer("I", 7, 100)});
  commitTimers(store, second, {timer("J", 0, 3), timer("J", 9, 5)});
  commitTimers(store, first, {timer("I", 3, 5)});
  const std::vector expected{timer("J", 0, 3), timer("I", 2, 5), timer("I", 1, 5), timer("J", 9, 5), timer("I", 3, 5)};
  const auto due = unwrap(store.dueTimers(TimestampValue{5}, 100), "dueTimers");
  expect(due == expected, "dueTimers(now 5) gave " + describe(due) + ": earliest first, ties in the order added, "
                                                                     "expected " + describe(expected));
  const auto limited = unwrap(store.dueTimers(TimestampValue{5}, 2), "dueTimers");
  expect(limited == std::vector(expected.begin(), expected.begin() + 2),
         "dueTimers(now 5, limit 2) gave " + describe(limited));
  const auto early = unwrap(store.dueTimers(TimestampValue{4}, 100), "dueTimers");
  expect(early == std::vector{timer("J", 0, 3)}, "dueTimers(now 4) gave " + describe(early));
  const auto mine = unwrap(store.dueTimers("I", TimestampValue{5}), "dueTimers(instance)");
  expect(mine == std::vector{timer("I", 2, 5), timer("I", 1, 5), timer("I", 3, 5)},
         "dueTimers(\"I\", now 5) gave " + describe(mine));
  const auto next = unwrap(store.nextTimer(), "nextTimer");
  expect(next == TimestampValue{3}, "nextTimer() is not the earliest pending timer's due time");
  commitTimers(store, second, {}, true);
  expect(unwrap(store.nextTimer(), "nextTimer") == TimestampValue{5}, "nextTimer() still counts a removed timer");
}

/// Engines sharing a store claim due timers before they fire them (Store::claimDueTimers).
void dueTimersAreClaimed(Store& store) {
  InstanceRecord first = started(store, "I");
  InstanceRecord second = started(store, "J");
  commitTimers(store, first, {timer("I", 1, 5), timer("I", 2, 8)});
  commitTimers(store, second, {timer("J", 1, 6), timer("J", 2, 50)});
  const auto claim = [&](std::int64_t now, std::size_t limit, const char* claimant, std::int64_t until) {
    return unwrap(store.claimDueTimers(TimestampValue{now}, limit, claimant, TimestampValue{until}), "claimDueTimers");
  };
  auto got = claim(6, 100, "a", 30);
  expect(got == std::vector{timer("I", 1, 5), timer("J", 1, 6)},
         "claimDueTimers(now 6) gave " + describe(got) + ": the timers due, earliest first, as dueTimers gives them");
  got = claim(10, 100, "b", 40);
  expect(got == std::vector{timer("I", 2, 8)},
         "another claimant's claimDueTimers(now 10) gave " + describe(got) + ": it must leave out the timers "
                                                                              "claimed until 30, and claim the one due at 8");
  got = claim(10, 100, "a", 30);
  expect(got == std::vector{timer("I", 1, 5), timer("J", 1, 6)},
         "a claimant asking again at 10 gave " + describe(got) + ": its own claims are its own, and 8 is b's");
  expect(unwrap(store.dueTimers(TimestampValue{10}, 100), "dueTimers").size() == 3,
         "dueTimers left out claimed timers: they stay pending until a commit consumes them");
  got = claim(30, 100, "b", 60);
  expect(got == std::vector{timer("I", 1, 5), timer("J", 1, 6), timer("I", 2, 8)},
         "claimDueTimers(now 30) by b gave " + describe(got) + ": a's claims lapsed at 30");
  got = claim(30, 1, "c", 60);
  expect(got.empty(), "claimDueTimers by c gave " + describe(got) + " while b held every due timer until 60");
  // A claim goes with its timer: a retry armed like it is a new timer, free to claim.
  commitTimers(store, first, {timer("I", 1, 5)}, false, timer("I", 1, 5));
  got = claim(31, 100, "c", 60);
  expect(got == std::vector{timer("I", 1, 5)},
         "claimDueTimers by c gave " + describe(got) + " after the claimed timer was consumed and armed again");
}

/// One thread's increments of instance I's counter, each under an id of its own, by load and
/// commit, retrying on Conflict. False when the store failed.
bool incrementConcurrently(Store& store, int thread, int increments) {
  for (int i = 0; i < increments; ++i) {
    const std::string id = "t" + std::to_string(thread) + "-" + std::to_string(i);
    for (;;) {
      auto current = store.load("I");
      if (!current || !current.value()) return false;
      InstanceRecord next = std::move(*current.value());
      next.context[0] = Value(next.context[0].as<std::int64_t>() + 1);
      auto status = commitAt(store, std::move(next), id);
      if (!status) return false;
      if (status.value() != CommitStatus::Conflict) break;
    }
  }
  return true;
}

void concurrentCommitsLoseNothing(Store& store) {
  // Threads increment one instance's counter by load and commit, retrying on Conflict: every
  // increment must be counted once, and every id applied once.
  constexpr int kThreads = 4;
  constexpr int kIncrements = 150;
  InstanceRecord record = started(store, "I");
  record.context = {Value(std::int64_t{0})};
  expectStatus(commitAt(store, record), CommitStatus::Committed, "setting the counter");
  std::atomic<int> errors{0};
  std::latch ready(kThreads);  // all start at once, so their commits overlap
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &errors, &ready, t] {
      ready.arrive_and_wait();
      try {
        if (!incrementConcurrently(store, t, kIncrements)) ++errors;
      } catch (...) {  // a throw on this thread would end the program, not the check
        ++errors;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  expect(errors == 0, "load or commit failed while threads committed at once");
  const InstanceRecord after = loaded(store, "I");
  const std::int64_t counted = after.context.at(0).as<std::int64_t>();
  expect(counted == kThreads * kIncrements, std::to_string(counted) + " of " + std::to_string(kThreads * kIncrements) +
                                                " increments committed by threads at once were kept");
  expect(after.version == 2 + kThreads * kIncrements, "the version is not bumped once per commit");
  expect(unwrap(store.journal("I"), "journal").size() == kThreads * kIncrements,
         "the journal does not hold one entry per committed increment");
}

using Check = void (*)(Store&);
const std::vector<std::pair<std::string, Check>>& checks() {
  static const std::vector<std::pair<std::string, Check>> all = {
      {"unknown instances", unknownInstances},
      {"records round-trip", recordsRoundTrip},
      {"versions conflict", versionsConflict},
      {"applied ids are duplicates", appliedIdsAreDuplicates},
      {"recorded entries apply nothing", recordedEntriesApplyNothing},
      {"unapplied commits apply nothing", unappliedCommitsApplyNothing},
      {"the journal round-trips in call order", journalRoundTrips},
      {"journal pages", journalPages},
      {"timer changes apply in order", timerChangesApplyInOrder},
      {"due timers come in order", dueTimersInOrder},
      {"due timers are claimed", dueTimersAreClaimed},
      {"concurrent commits lose nothing", concurrentCommitsLoseNothing},
  };
  return all;
}

}  // namespace

std::vector<std::string> storeConformanceChecks() {
  std::vector<std::string> names;
  for (const auto& check : checks()) names.push_back(check.first);
  return names;
}

std::vector<ConformanceFailure> storeConformanceFailures(const StoreFactory& makeStore) {
  std::vector<ConformanceFailure> failures;
  for (const auto& [name, check] : checks()) {
    try {
      auto store = makeStore();
      if (!store) {
        failures.push_back({name, "the factory made no store"});
        continue;
      }
      check(*store);
    } catch (const CheckFailed& failed) {
      failures.push_back({name, failed.what});
    } catch (const std::exception& thrown) {
      failures.push_back({name, std::string("the store threw (errors are values): ") + thrown.what()});
    } catch (...) {
      failures.push_back({name, "the store threw something that is not a std::exception"});
    }
  }
  return failures;
}

}  // namespace approval::test
