// A machine's guards: one module with an entry per guarded transition.
#include "approval/jit.h"

namespace approval::jit {

std::vector<std::string> eventPayloadNames(const ir::Machine& machine, const ir::Transition& transition) {
  std::vector<std::string> names;
  if (transition.event && *transition.event < machine.events.size()) {
    for (const auto& field : machine.events[*transition.event].payload) names.push_back(field.name);
  }
  return names;
}

MachineGuardEntries machineGuardEntries(const ir::Machine& machine) {
  MachineGuardEntries result;
  for (const auto& field : machine.context) {
    result.contextTypes.push_back(parseType(field.type).value_or(Type::of(TypeKind::Dyn)));
  }
  result.guardEntry.resize(machine.transitions.size());
  for (std::size_t i = 0; i < machine.transitions.size(); ++i) {
    const auto& transition = machine.transitions[i];
    if (!transition.guard) continue;
    result.guardEntry[i] = result.entries.size();
    result.entries.push_back({&*transition.guard, true, eventPayloadNames(machine, transition)});
  }
  return result;
}

Result<MachineGuards> MachineGuards::compile(const ir::Machine& machine, const JitOptions& options) {
  auto entries = machineGuardEntries(machine);
  auto code = CompiledExpressions::compile(entries.entries, entries.contextTypes, machine.contentHash, options);
  if (!code) return code.error();
  MachineGuards guards;
  guards.guardEntry_ = std::move(entries.guardEntry);
  guards.code_ = std::move(code).value();
  return guards;
}

Verdict MachineGuards::evaluate(ir::TransitionIndex transition, const GuardInput& input) const {
  if (transition >= guardEntry_.size()) return {Verdict::Kind::Error, "no transition #" + std::to_string(transition)};
  if (!guardEntry_[transition]) return {Verdict::Kind::True, {}};
  return code_->guard(*guardEntry_[transition], input);
}

}  // namespace approval::jit
