#include "store/timer_index.h"

#include <algorithm>
#include <string>

#include "clock/time_arithmetic.h"

namespace approval::runtime {

TimerIndex::Instance TimerIndex::entryOf(std::string_view instanceId) {
  auto found = byInstance_.find(instanceId);
  return found != byInstance_.end() ? found : byInstance_.try_emplace(std::string(instanceId)).first;
}

void TimerIndex::clear(Instance instance) {
  for (const Key& key : instance->second) {
    ordered_.erase(key);
    forgetClaim(key);
  }
  instance->second.clear();
}

void TimerIndex::insert(Instance instance, std::int64_t due, std::uint32_t transition, std::uint64_t visit) {
  const Key key{due, sequence_++};
  ordered_.emplace(key, Pending{instance->first, transition, visit});
  instance->second.push_back(key);
}

void TimerIndex::add(const TimerRecord& timer) {
  insert(entryOf(timer.instanceId), timer.due.nanoseconds, timer.transition, timer.visit);
}

std::int64_t TimerIndex::replace(std::string_view instanceId, std::uint64_t visit, TimestampValue entered,
                                 const std::vector<DirectTimer>* armed) {
  if (armed == nullptr || armed->empty()) {
    removeAll(instanceId);
    return kNone;
  }
  const Instance instance = entryOf(instanceId);
  clear(instance);
  std::int64_t earliest = kNone;
  for (const DirectTimer& timer : *armed) {
    const std::int64_t due = dueAfter(entered.nanoseconds, timer.delayNanos);
    if (due == entered.nanoseconds) continue;  // entered at the end of time: never due (timersFor)
    insert(instance, due, timer.transition, visit);
    earliest = std::min(earliest, due);
  }
  return earliest;
}

void TimerIndex::removeAll(std::string_view instanceId) {
  auto found = byInstance_.find(instanceId);
  if (found == byInstance_.end()) return;
  clear(found);
  byInstance_.erase(found);
}

bool TimerIndex::remove(const TimerRecord& timer) {
  auto found = byInstance_.find(timer.instanceId);
  if (found == byInstance_.end()) return false;
  auto& keys = found->second;
  for (auto key = keys.begin(); key != keys.end(); ++key) {
    auto pending = ordered_.find(*key);
    if (pending != ordered_.end() && pending->second.transition == timer.transition &&
        pending->second.visit == timer.visit && key->due == timer.due.nanoseconds) {
      ordered_.erase(pending);
      forgetClaim(*key);
      keys.erase(key);
      if (keys.empty()) byInstance_.erase(found);
      return true;
    }
  }
  return false;
}

std::int64_t TimerIndex::earliest(std::string_view instanceId) const {
  auto found = byInstance_.find(instanceId);
  if (found == byInstance_.end() || found->second.empty()) return kNone;
  return std::min_element(found->second.begin(), found->second.end())->due;
}

TimerRecord TimerIndex::record(const Key& key, const Pending& pending) const {
  return {std::string(pending.instanceId), pending.transition, pending.visit, TimestampValue{key.due}};
}

std::vector<TimerRecord> TimerIndex::due(TimestampValue now, std::size_t limit) const {
  std::vector<TimerRecord> due;
  for (const auto& [key, pending] : ordered_) {
    if (key.due > now.nanoseconds || due.size() >= limit) break;
    due.push_back(record(key, pending));
  }
  return due;
}

std::vector<TimerRecord> TimerIndex::claim(TimestampValue now, std::size_t limit, std::string_view claimant,
                                           std::int64_t until) {
  std::vector<TimerRecord> claimed;
  for (const auto& [key, pending] : ordered_) {
    if (key.due > now.nanoseconds || claimed.size() >= limit) break;
    auto [held, isNew] = claims_.try_emplace(key);
    if (!isNew && held->second.claimant != claimant && held->second.until > now.nanoseconds) continue;
    held->second.claimant.assign(claimant);
    held->second.until = until;
    claimed.push_back(record(key, pending));
  }
  return claimed;
}

std::vector<TimerRecord> TimerIndex::due(std::string_view instanceId, TimestampValue now) const {
  std::vector<TimerRecord> due;
  auto found = byInstance_.find(instanceId);
  if (found == byInstance_.end()) return due;
  auto keys = found->second;
  std::sort(keys.begin(), keys.end());
  for (const Key& key : keys) {
    if (key.due > now.nanoseconds) break;
    auto pending = ordered_.find(key);
    if (pending != ordered_.end()) due.push_back(record(key, pending->second));
  }
  return due;
}

std::optional<TimestampValue> TimerIndex::next() const {
  if (ordered_.empty()) return std::nullopt;
  return TimestampValue{ordered_.begin()->first.due};
}

}  // namespace approval::runtime
