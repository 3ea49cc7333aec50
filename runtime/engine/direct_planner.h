// The engine's side of Store::applyDirect for one event: which direct transition, if any,
// the event takes from a stored instance's machine and state.
#pragma once

#include <memory>
#include <string>

#include "approval/store.h"
#include "engine/machine_registry.h"

namespace approval::runtime {

class EventPlanner final : public DirectPlanner {
 public:
  EventPlanner(const MachineRegistry& machines, const std::string& event) : machines_(machines), event_(event) {}

  const DirectTransition* plan(std::string_view machineHash, std::uint32_t state) const override {
    machine_ = machines_.cached(machineHash);
    if (machine_ == nullptr) return nullptr;
    auto index = machine_->eventByName.find(event_);
    return index == machine_->eventByName.end() ? nullptr : machine_->direct(state, index->second);
  }
  std::shared_ptr<const void> keepAlive(const DirectTransition& transition) const override {
    return static_cast<const LoadedMachine*>(transition.owner)->shared_from_this();
  }
  /// The machine of the last `plan` call.
  [[nodiscard]] const LoadedMachine* machine() const { return machine_; }

 private:
  const MachineRegistry& machines_;
  const std::string& event_;
  mutable const LoadedMachine* machine_ = nullptr;
};

}  // namespace approval::runtime
