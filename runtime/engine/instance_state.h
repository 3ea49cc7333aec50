// What the approval stdlib sees of an instance while an event is applied: the votes of the
// current state visit, the quorum policy, the event's time and the time in state.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "approval/evaluate.h"
#include "approval/store.h"
#include "engine/loaded_machine.h"
#include "store/votes.h"

namespace approval::runtime {

class InstanceState final : public ApprovalState {
 public:
  /// `pendingVoter`: an actor whose vote for `event` counts although `votes` does not hold it
  /// yet (the direct path decides before the store records it); empty when it is recorded.
  InstanceState(const LoadedMachine& machine, const Votes& votes, std::span<const Value> context,
                TimestampValue enteredAt, std::string_view event, TimestampValue time,
                std::string_view pendingVoter = {})
      : machine_(machine), votes_(votes), context_(context), enteredAt_(enteredAt), event_(event), time_(time),
        pendingVoter_(pendingVoter) {}
  InstanceState(const LoadedMachine& machine, const InstanceRecord& record, std::string_view event,
                TimestampValue time)
      : InstanceState(machine, record.votes, record.context, record.enteredAt, event, time) {}

  [[nodiscard]] std::int64_t votes(std::string_view event) const override;
  [[nodiscard]] std::int64_t votesAmong(std::string_view event, const ValueList& voters) const override;
  [[nodiscard]] std::int64_t currentEventVotes() const noexcept override { return votes(event_); }
  [[nodiscard]] std::int64_t quorumRequired() const noexcept override;
  [[nodiscard]] std::int64_t quorumVotes() const noexcept override;
  [[nodiscard]] TimestampValue now() const override { return time_; }
  /// 0 for an event dated before the state was entered.
  [[nodiscard]] std::optional<DurationValue> timeInState() const override {
    std::int64_t span = 0;
    if (__builtin_sub_overflow(time_.nanoseconds, enteredAt_.nanoseconds, &span)) {
      if (time_.nanoseconds < enteredAt_.nanoseconds) return DurationValue{0};
      return std::nullopt;
    }
    return DurationValue{std::max<std::int64_t>(0, span)};
  }

 private:
  /// The actors of `event` in this visit, and whether the pending voter adds one.
  [[nodiscard]] const std::vector<std::string>* actorsOf(std::string_view event) const;
  [[nodiscard]] bool pendingAdds(std::string_view event, const std::vector<std::string>* actors) const;
  /// The distinct actors of `event` named on `voters`, the pending voter included.
  [[nodiscard]] std::int64_t countOnList(std::string_view event, const ValueList& voters) const noexcept;

  const LoadedMachine& machine_;
  const Votes& votes_;
  std::span<const Value> context_;
  TimestampValue enteredAt_;
  std::string_view event_;
  TimestampValue time_;
  std::string_view pendingVoter_;
};

}  // namespace approval::runtime
