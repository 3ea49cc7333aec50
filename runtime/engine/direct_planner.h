// The engine's side of Store::applyDirect for one event: the direct row, if any, the event
// meets in a stored instance's machine and state, and which of its transitions it takes
// (its guards run here, on the stored context).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "approval/store.h"
#include "engine/machine_registry.h"

namespace approval::runtime {

class EventPlanner final : public DirectPlanner {
 public:
  EventPlanner(const MachineRegistry& machines, const std::string& event) : machines_(machines), event_(event) {}

  DirectDecision plan(const DirectInstance& instance, const DirectEvent& event) const override;
  std::shared_ptr<const void> keepAlive(const DirectRow& row) const override;
  /// The machine of the last `plan` call.
  [[nodiscard]] const LoadedMachine* machine() const { return machine_; }

 private:
  /// The steps of a row whose first transition is guarded, evaluated in order.
  [[nodiscard]] DirectDecision runGuards(const DirectRow& row, const DirectInstance& instance, const DirectEvent& event,
                                         const std::vector<Value>& payload) const;

  const MachineRegistry& machines_;
  const std::string& event_;
  mutable const LoadedMachine* machine_ = nullptr;
};

}  // namespace approval::runtime
