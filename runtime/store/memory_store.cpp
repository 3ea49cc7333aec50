// MemoryStore: the Store interface over hash maps, for tests, simulation and services that
// keep instances in memory. Instance records are kept compact (the machine hash interned,
// history and idempotency keys only once an instance has events), so a million idle
// instances stay small (docs/PERFORMANCE.md).
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include "approval/store.h"

namespace approval::runtime {

namespace {

/// Lets the maps be searched with a string_view (no std::string built per lookup).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

struct Activity {
  std::vector<std::pair<std::string, std::vector<std::string>>> votes;
  std::vector<SagaStep> saga;
  StringSet appliedEvents;
  std::vector<JournalEntry> journal;
};

struct StoredInstance {
  std::string tenantId;
  std::uint32_t machine = 0;  // index into the interned hashes
  std::uint32_t state = 0;
  std::uint64_t visit = 0;
  std::uint64_t version = 0;
  TimestampValue enteredAt;
  std::vector<Value> context;
  std::unique_ptr<Activity> activity;  // null until the first event
};

class MemoryStore final : public Store {
 public:
  Result<std::optional<InstanceRecord>> load(std::string_view instanceId) override {
    std::shared_lock lock(mutex_);
    auto found = instances_.find(instanceId);
    if (found == instances_.end()) return std::optional<InstanceRecord>();
    const StoredInstance& stored = found->second;
    InstanceRecord record;
    record.instanceId = found->first;
    record.tenantId = stored.tenantId;
    record.machineHash = hashes_[stored.machine];
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
    const std::uint64_t storedVersion = found == instances_.end() ? 0 : found->second.version;
    if (storedVersion != record.version) return CommitStatus::Conflict;
    if (commit.journal && found != instances_.end() && found->second.activity &&
        found->second.activity->appliedEvents.count(commit.journal->eventId) != 0) {
      return CommitStatus::DuplicateEvent;
    }
    if (found == instances_.end()) found = instances_.emplace(record.instanceId, StoredInstance{}).first;
    StoredInstance& stored = found->second;
    if (stored.tenantId != record.tenantId) stored.tenantId = record.tenantId;
    stored.machine = intern(record.machineHash);
    stored.state = record.state;
    stored.visit = record.visit;
    stored.version = record.version + 1;
    stored.enteredAt = record.enteredAt;
    stored.context = std::move(record.context);
    if (commit.journal || !record.votes.empty() || !record.saga.empty() || stored.activity) {
      if (!stored.activity) stored.activity = std::make_unique<Activity>();
      stored.activity->votes = std::move(record.votes);
      stored.activity->saga = std::move(record.saga);
      if (commit.journal) {
        stored.activity->appliedEvents.insert(commit.journal->eventId);
        stored.activity->journal.push_back(std::move(*commit.journal));
      }
    }
    if (commit.replaceTimers) removeTimers(record.instanceId);
    if (commit.consumedTimer) removeTimer(*commit.consumedTimer);
    {
      for (const auto& timer : commit.timers) {
        const auto key = std::make_pair(timer.due.nanoseconds, timerSequence_++);
        timers_.emplace(key, timer);
        timerKeys_[record.instanceId].push_back(key);
      }
    }
    return CommitStatus::Committed;
  }

  Result<bool> record(std::string_view instanceId, const JournalEntry& entry) override {
    std::unique_lock lock(mutex_);
    auto found = instances_.find(instanceId);
    if (found == instances_.end()) return false;
    if (!found->second.activity) found->second.activity = std::make_unique<Activity>();
    found->second.activity->journal.push_back(entry);
    return true;
  }

  Result<bool> applied(std::string_view instanceId, std::string_view eventId) override {
    std::shared_lock lock(mutex_);
    auto found = instances_.find(instanceId);
    if (found == instances_.end() || !found->second.activity) return false;
    return found->second.activity->appliedEvents.count(eventId) != 0;
  }

  Result<std::vector<JournalEntry>> journal(std::string_view instanceId) override {
    std::shared_lock lock(mutex_);
    auto found = instances_.find(instanceId);
    if (found == instances_.end() || !found->second.activity) return std::vector<JournalEntry>();
    return found->second.activity->journal;
  }

  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    std::shared_lock lock(mutex_);
    std::vector<TimerRecord> due;
    for (const auto& [key, timer] : timers_) {
      if (key.first > now.nanoseconds || due.size() >= limit) break;
      due.push_back(timer);
    }
    return due;
  }

  Result<std::vector<TimerRecord>> dueTimers(std::string_view instanceId, TimestampValue now) override {
    std::shared_lock lock(mutex_);
    std::vector<TimerRecord> due;
    auto keys = timerKeys_.find(instanceId);
    if (keys == timerKeys_.end()) return due;
    auto ordered = keys->second;
    std::sort(ordered.begin(), ordered.end());
    for (const auto& key : ordered) {
      if (key.first > now.nanoseconds) break;
      auto timer = timers_.find(key);
      if (timer != timers_.end()) due.push_back(timer->second);
    }
    return due;
  }

  Result<std::optional<TimestampValue>> nextTimer() override {
    std::shared_lock lock(mutex_);
    if (timers_.empty()) return std::optional<TimestampValue>();
    return std::optional<TimestampValue>(TimestampValue{timers_.begin()->first.first});
  }

  Result<std::size_t> instanceCount() override {
    std::shared_lock lock(mutex_);
    return instances_.size();
  }

 private:
  std::uint32_t intern(const std::string& hash) {
    auto found = std::find(hashes_.begin(), hashes_.end(), hash);
    if (found != hashes_.end()) return static_cast<std::uint32_t>(found - hashes_.begin());
    hashes_.push_back(hash);
    return static_cast<std::uint32_t>(hashes_.size() - 1);
  }

  void removeTimer(const TimerRecord& timer) {
    auto keys = timerKeys_.find(timer.instanceId);
    if (keys == timerKeys_.end()) return;
    for (auto key = keys->second.begin(); key != keys->second.end(); ++key) {
      auto found = timers_.find(*key);
      if (found != timers_.end() && found->second.transition == timer.transition &&
          found->second.visit == timer.visit && found->second.due.nanoseconds == timer.due.nanoseconds) {
        timers_.erase(found);
        keys->second.erase(key);
        return;
      }
    }
  }

  void removeTimers(const std::string& instanceId) {
    auto found = timerKeys_.find(instanceId);
    if (found == timerKeys_.end()) return;
    for (const auto& key : found->second) timers_.erase(key);
    timerKeys_.erase(found);
  }

  mutable std::shared_mutex mutex_;
  StringMap<StoredInstance> instances_;
  std::vector<std::string> hashes_;  // few: one per loaded machine version
  std::map<std::pair<std::int64_t, std::uint64_t>, TimerRecord> timers_;  // by (due, arrival)
  StringMap<std::vector<std::pair<std::int64_t, std::uint64_t>>> timerKeys_;
  std::uint64_t timerSequence_ = 0;
};

}  // namespace

std::unique_ptr<Store> makeMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace approval::runtime
