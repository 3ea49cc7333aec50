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
  guards.code_ = std::move(code).value();
  for (const auto& entry : entries.guardEntry) {
    guards.calls_.push_back(entry ? guards.code_->guardCall(*entry) : std::nullopt);
  }
  return guards;
}

Verdict MachineGuards::evaluate(ir::TransitionIndex transition, const GuardInput& input) const {
  Verdict verdict;
  verdict.kind = test(transition, input, &verdict.error);
  return verdict;
}

GuardStatus MachineGuards::noSuchTransition(ir::TransitionIndex transition, std::string* error) {
  if (error != nullptr) *error = "no transition #" + std::to_string(transition);
  return GuardStatus::Error;
}

}  // namespace approval::jit
