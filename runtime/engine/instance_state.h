// What the approval stdlib sees of an instance while an event is applied: the votes of the
// current state visit, the quorum policy, the event's time and the time in state.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "approval/evaluate.h"
#include "approval/store.h"
#include "engine/loaded_machine.h"

namespace approval::runtime {

class InstanceState final : public ApprovalState {
 public:
  InstanceState(const LoadedMachine& machine, const InstanceRecord& record, std::string_view event, TimestampValue time)
      : machine_(machine), record_(record), event_(event), time_(time) {}

  [[nodiscard]] std::int64_t votes(std::string_view event) const override {
    for (const auto& [name, actors] : record_.votes) {
      if (name == event) return static_cast<std::int64_t>(actors.size());
    }
    return 0;
  }
  [[nodiscard]] std::int64_t currentEventVotes() const override { return votes(event_); }
  [[nodiscard]] std::int64_t quorumRequired() const override;
  [[nodiscard]] std::int64_t quorumVotes() const override;
  [[nodiscard]] TimestampValue now() const override { return time_; }
  [[nodiscard]] DurationValue timeInState() const override {
    return {std::max<std::int64_t>(0, time_.nanoseconds - record_.enteredAt.nanoseconds)};
  }

 private:
  const LoadedMachine& machine_;
  const InstanceRecord& record_;
  std::string_view event_;
  TimestampValue time_;
};

/// Adds `actor` to the distinct voters of `event` in this visit.
void recordVote(InstanceRecord& record, const std::string& event, const std::string& actor);

}  // namespace approval::runtime
