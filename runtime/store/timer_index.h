// The memory store's pending timers, ordered by due time across instances (what the timer
// thread asks for) and listed by instance (what a step replaces). Re-arming the timers of an
// instance that has some allocates nothing: its list keeps its capacity, the ordered index is
// a B-tree, and a timer keeps no copy of its instance's id. Not thread-safe: the store
// guards it.
#pragma once

#include <absl/container/btree_map.h>

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "approval/store.h"
#include "store/string_map.h"

namespace approval::runtime {

class TimerIndex {
 public:
  /// What `replace` and `earliest` return for an instance without timers.
  static constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();

  void add(const TimerRecord& timer);
  /// The instance's pending timers give way to `armed` (null: none), each due its delay after
  /// `entered`, for visit `visit`. Returns the earliest due time.
  std::int64_t replace(std::string_view instanceId, std::uint64_t visit, TimestampValue entered,
                       const std::vector<DirectTimer>* armed);
  void removeAll(std::string_view instanceId);
  /// True when the timer (instance, transition, visit and due time) was pending.
  bool remove(const TimerRecord& timer);
  [[nodiscard]] std::int64_t earliest(std::string_view instanceId) const;

  /// Due at or before `now`, earliest first, at most `limit`.
  [[nodiscard]] std::vector<TimerRecord> due(TimestampValue now, std::size_t limit) const;
  /// As `due`, leaving out the timers another claimant holds past `now`; each one returned is
  /// held by `claimant` until `until` (Store::claimDueTimers).
  [[nodiscard]] std::vector<TimerRecord> claim(TimestampValue now, std::size_t limit, std::string_view claimant,
                                               std::int64_t until);
  /// The instance's, due at or before `now`, earliest first.
  [[nodiscard]] std::vector<TimerRecord> due(std::string_view instanceId, TimestampValue now) const;
  [[nodiscard]] std::optional<TimestampValue> next() const;

 private:
  /// Timers due at the same time keep the order they were armed in.
  struct Key {
    std::int64_t due = 0;
    std::uint64_t sequence = 0;
    auto operator<=>(const Key&) const = default;
  };
  struct Pending {
    std::string_view instanceId;  // the key of its instance's entry in byInstance_
    std::uint32_t transition = 0;
    std::uint64_t visit = 0;
  };

  struct Claim {
    std::string claimant;
    std::int64_t until = 0;
  };

  using Instance = StringMap<std::vector<Key>>::iterator;

  /// The instance's entry, made when missing.
  Instance entryOf(std::string_view instanceId);
  /// Takes the entry's timers out of the ordered index and empties it (keeping its capacity).
  void clear(Instance instance);
  void insert(Instance instance, std::int64_t due, std::uint32_t transition, std::uint64_t visit);
  [[nodiscard]] TimerRecord record(const Key& key, const Pending& pending) const;
  /// A timer that goes takes its claim with it.
  void forgetClaim(const Key& key) {
    if (!claims_.empty()) claims_.erase(key);
  }

  absl::btree_map<Key, Pending> ordered_;
  StringMap<std::vector<Key>> byInstance_;  // an entry only while the instance has timers
  std::uint64_t sequence_ = 0;
  absl::btree_map<Key, Claim> claims_;  // only timers claimed and still pending: few, and short-lived
};

}  // namespace approval::runtime
