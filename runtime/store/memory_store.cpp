// MemoryStore: the Store interface over hash maps, for tests, simulation and services that
// keep instances in memory. Instance records are kept compact (the machine hash and the
// tenant interned, history and idempotency keys only once an instance has events), so a
// million idle instances stay small (docs/PERFORMANCE.md).
#include <absl/container/node_hash_map.h>
#include <absl/container/node_hash_set.h>

#include <algorithm>
#include <atomic>
#include <list>
#include <mutex>
#include <shared_mutex>

#include "approval/store.h"
#include "store/instance_journal.h"
#include "store/spin_lock.h"
#include "store/string_map.h"
#include "store/timer_index.h"
#include "store/votes.h"

namespace approval::runtime {

namespace {

/// What only some instances have: votes of the current visit, a saga.
struct Activity {
  Votes votes;
  std::vector<SagaStep> saga;
};

/// A machine hash, stored once, with the planner's memo of the machine it names.
struct InternedMachine {
  explicit InternedMachine(std::string text) : hash(std::move(text)) {}
  std::string hash;
  std::atomic<const void*> memo{nullptr};
};

constexpr std::int64_t kNoTimer = TimerIndex::kNone;

/// One instance. Its fields are guarded by `lock`; the map it lives in by the store's mutex
/// (the direct path through a slot takes `lock` alone: map nodes do not move).
struct StoredInstance final : StoreSlot {
  const std::string* tenantId = nullptr;  // interned: tenants are few and shared by many instances
  InternedMachine* machine = nullptr;  // never freed while the store lives
  std::uint32_t state = 0;
  mutable SpinLock lock;
  std::uint64_t visit = 0;
  std::uint64_t version = 0;
  /// The earliest pending timer's due time (kNoTimer: none): applyDirect leaves an event
  /// that a due timer must precede to the general path.
  std::int64_t nextDue = kNoTimer;
  TimestampValue enteredAt;
  std::vector<Value> context;
  InstanceJournal journal;             // one pointer until the first event
  std::unique_ptr<Activity> activity;  // null while there are no votes and no saga
};

class MemoryStore final : public Store {
 public:
  Result<std::optional<InstanceRecord>> load(std::string_view instanceId) override {
    std::shared_lock lock(mutex_);
    auto found = instances_.find(instanceId);
    if (found == instances_.end()) return std::optional<InstanceRecord>();
    const StoredInstance& stored = found->second;
    std::lock_guard slot(stored.lock);
    InstanceRecord record;
    record.instanceId = found->first;
    record.tenantId = *stored.tenantId;
    record.machineHash = stored.machine->hash;
    record.state = stored.state;
    record.context = stored.context;
    record.enteredAt = stored.enteredAt;
    record.visit = stored.visit;
    record.version = stored.version;
    if (stored.activity) {
      record.votes = stored.activity->votes;
      record.saga = stored.activity->saga;
    }
    return std::optional<InstanceRecord>(std::move(record));
  }

  Result<CommitStatus> commit(Commit&& commit) override {
    std::unique_lock lock(mutex_);
    InstanceRecord& record = commit.instance;
    auto found = instances_.find(record.instanceId);
    if (found == instances_.end()) {
      if (record.version != 0) return CommitStatus::Conflict;
      found = instances_.try_emplace(record.instanceId).first;
    }
    StoredInstance& stored = found->second;
    std::lock_guard slot(stored.lock);
    if (stored.version != record.version) return CommitStatus::Conflict;
    if (commit.journal && commit.journalApplies && stored.journal.applied(commit.journal->eventId)) {
      return CommitStatus::DuplicateEvent;
    }
    if (stored.tenantId == nullptr || *stored.tenantId != record.tenantId) {
      stored.tenantId = internTenant(record.tenantId);
    }
    stored.machine = intern(record.machineHash);
    stored.state = record.state;
    stored.visit = record.visit;
    stored.version = record.version + 1;
    stored.enteredAt = record.enteredAt;
    stored.context = std::move(record.context);
    if (record.votes.empty() && record.saga.empty()) {
      stored.activity.reset();
    } else {
      if (!stored.activity) stored.activity = std::make_unique<Activity>();
      stored.activity->votes = std::move(record.votes);
      stored.activity->saga = std::move(record.saga);
    }
    if (commit.journal) stored.journal.append(std::move(*commit.journal), commit.journalApplies);
    std::lock_guard timers(timersMutex_);
    if (commit.replaceTimers) timers_.removeAll(record.instanceId);
    if (commit.consumedTimer) timers_.remove(*commit.consumedTimer);
    for (const auto& timer : commit.timers) timers_.add(timer);
    stored.nextDue = timers_.earliest(record.instanceId);
    return CommitStatus::Committed;
  }

  StoreSlot* slot(std::string_view instanceId, std::size_t idHash) override {
    static_assert(std::is_same_v<StringHash, decltype(instances_)::hasher>);  // it hashes with instanceIdHash
    std::shared_lock lock(mutex_);
    auto found = instances_.find(instanceId, idHash);
    return found == instances_.end() ? nullptr : &found->second;  // map nodes do not move
  }

  /// Takes the slot's lock only: the slot's address is stable and nothing of the map is read.
  DirectOutcome applyDirect(StoreSlot& slot, const DirectEvent& event, const DirectPlanner& planner) override {
    auto& stored = static_cast<StoredInstance&>(slot);
    std::lock_guard lock(stored.lock);
    if (event.holds != nullptr && event.holds->load(std::memory_order_acquire) != 0) return {};
    if (stored.nextDue <= event.time.nanoseconds) return {};
    DirectOutcome outcome;  // filled field by field: a braced return zero-fills it with `rep stos`, slow to start
    outcome.from = stored.state;
    const std::size_t idHash = InstanceJournal::hashOf(event.id);
    if (stored.journal.applied(event.id, idHash)) {
      stored.journal.appendDuplicate(event, idHash);
      outcome.status = DirectOutcome::Status::Duplicate;
      outcome.machineHash = stored.machine->hash;
      return outcome;
    }
    static const Votes kNoVotes;
    const DirectInstance instance{stored.machine->hash,  *stored.tenantId,
                                  stored.state,          stored.context,
                                  stored.activity ? &stored.activity->votes : &kNoVotes,
                                  stored.enteredAt,      &stored.machine->memo,
                                  stored.version};
    const DirectDecision decision = planner.plan(instance, event);
    if (decision.row == nullptr) {
      const std::string* reason = planner.refusal();
      if (reason == nullptr) return {};
      stored.journal.appendRefusal(event, *reason);  // the id stays free
      outcome.status = DirectOutcome::Status::Refused;
      return outcome;
    }
    keepAlive(*decision.row, planner);
    const std::int64_t votes = countVotes(*instance.votes, *decision.row->event, event.actor);
    if (decision.step < 0) {
      if (!stored.activity) stored.activity = std::make_unique<Activity>();
      addVote(stored.activity->votes, *decision.row->event, event.actor);  // it stays: the vote counts
    } else {
      const DirectStep& taken = decision.row->steps[static_cast<std::size_t>(decision.step)];
      // A new visit: no votes. The activity goes too unless a saga is pending or starts.
      if (stored.activity && stored.activity->saga.empty()) stored.activity.reset();
      if (stored.activity) stored.activity->votes.clear();
      if (decision.saga != nullptr) {
        if (!stored.activity) stored.activity = std::make_unique<Activity>();
        auto& saga = stored.activity->saga;
        saga.insert(saga.end(), decision.saga->begin(), decision.saga->end());
      }
      stored.state = taken.target;
      if (decision.context != nullptr) stored.context = *decision.context;
      stored.enteredAt = event.time;
      ++stored.visit;
      if (taken.replacesTimers) {
        std::lock_guard timers(timersMutex_);
        stored.nextDue = timers_.replace(event.instanceId, stored.visit, event.time, taken.timers);
      }
    }
    stored.journal.appendDirect(event, idHash, votes, *decision.row, decision.step);
    ++stored.version;
    outcome.status = DirectOutcome::Status::Applied;
    outcome.decision = decision;
    if (decision.routes()) outcome.tenantId = *stored.tenantId;  // tenants stay interned while the store lives
    return outcome;
  }

  Result<bool> record(std::string_view instanceId, const JournalEntry& entry) override {
    std::shared_lock lock(mutex_);  // the map does not change: the instance's own lock guards its journal
    auto found = instances_.find(instanceId);
    if (found == instances_.end()) return false;
    std::lock_guard slot(found->second.lock);
    found->second.journal.append(entry, false);
    return true;
  }

  Result<bool> applied(std::string_view instanceId, std::string_view eventId) override {
    std::shared_lock lock(mutex_);
    auto found = instances_.find(instanceId);
    if (found == instances_.end()) return false;
    std::lock_guard slot(found->second.lock);
    return found->second.journal.applied(eventId);
  }

  Result<std::vector<JournalEntry>> journal(std::string_view instanceId) override {
    std::shared_lock lock(mutex_);
    auto found = instances_.find(instanceId);
    if (found == instances_.end()) return std::vector<JournalEntry>();
    std::lock_guard slot(found->second.lock);
    return found->second.journal.entries();
  }

  Result<std::vector<JournalEntry>> journalPage(std::string_view instanceId, std::size_t from,
                                                  std::size_t limit) override {
    std::shared_lock lock(mutex_);
    auto found = instances_.find(instanceId);
    if (found == instances_.end()) return std::vector<JournalEntry>();
    std::lock_guard slot(found->second.lock);
    return found->second.journal.entries(from, limit);
  }

  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    std::lock_guard lock(timersMutex_);
    return timers_.due(now, limit);
  }

  Result<std::vector<TimerRecord>> claimDueTimers(TimestampValue now, std::size_t limit, std::string_view claimant,
                                                  TimestampValue until) override {
    std::lock_guard lock(timersMutex_);
    return timers_.claim(now, limit, claimant, until.nanoseconds);
  }
  Result<std::vector<TimerRecord>> dueTimers(std::string_view instanceId, TimestampValue now) override {
    std::lock_guard lock(timersMutex_);
    return timers_.due(instanceId, now);
  }

  Result<std::optional<TimestampValue>> nextTimer() override {
    std::lock_guard lock(timersMutex_);
    return timers_.next();
  }

  Result<std::size_t> instanceCount() override {
    std::shared_lock lock(mutex_);
    return instances_.size();
  }

 private:
  /// Under the store's exclusive lock.
  const std::string* internTenant(const std::string& tenant) { return &*tenants_.insert(tenant).first; }

  InternedMachine* intern(const std::string& hash) {
    auto found = std::find_if(hashes_.begin(), hashes_.end(), [&](const InternedMachine& m) { return m.hash == hash; });
    if (found != hashes_.end()) return &*found;
    return &hashes_.emplace_back(hash);
  }

  /// The journals point at direct rows' texts: their owners stay alive with the store.
  /// `lastOwner_` is only ever set to an owner already kept, so the common case is one load.
  void keepAlive(const DirectRow& row, const DirectPlanner& planner) {
    if (row.owner == lastOwner_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(ownersMutex_);
    const bool kept =
        std::any_of(owners_.begin(), owners_.end(), [&](const auto& owner) { return owner.get() == row.owner; });
    if (!kept) owners_.push_back(planner.keepAlive(row));
    lastOwner_.store(row.owner, std::memory_order_release);
  }

  mutable std::shared_mutex mutex_;
  std::mutex ownersMutex_;
  std::vector<std::shared_ptr<const void>> owners_;
  std::atomic<const void*> lastOwner_{nullptr};
  /// Nodes do not move (slots point at them); a lookup probes one group of control bytes
  /// before it reads a node, where a std::unordered_map walks a bucket's list of nodes.
  absl::node_hash_map<std::string, StoredInstance, StringHash, std::equal_to<>> instances_;
  absl::node_hash_set<std::string> tenants_;  // never erased: instances point at them
  std::list<InternedMachine> hashes_;  // few: one per loaded machine version; never moved
  /// Taken after mutex_ and an instance's lock, never before: a direct step arms timers under
  /// its instance's lock alone.
  std::mutex timersMutex_;
  TimerIndex timers_;
};

}  // namespace

std::unique_ptr<Store> makeMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace approval::runtime
