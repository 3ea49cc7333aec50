#include "sema/machine_symbols.h"

namespace approval::sema {

std::optional<std::uint32_t> MachineSymbols::findState(const std::string& name) const {
  auto found = stateIndex.find(name);
  if (found == stateIndex.end()) return std::nullopt;
  return found->second;
}

std::optional<std::uint32_t> MachineSymbols::findContextField(const std::string& name) const {
  auto found = contextIndex.find(name);
  if (found == contextIndex.end()) return std::nullopt;
  return found->second;
}

const ast::EventDecl* MachineSymbols::findEvent(const std::string& name) const {
  auto found = declaredEventIndex.find(name);
  return found == declaredEventIndex.end() ? nullptr : declaredEvents[found->second];
}

std::vector<std::uint32_t> MachineSymbols::sourcesOf(const ast::Transition& transition) const {
  std::vector<std::uint32_t> sources;
  if (transition.source.kind == ast::TransitionSource::Kind::Any) {
    for (std::uint32_t state = 0; state < states.size(); ++state) {
      if (!isFinal[state]) sources.push_back(state);
    }
    return sources;
  }
  for (const auto& name : transition.source.states) {
    if (auto state = findState(name.text)) sources.push_back(*state);
  }
  return sources;
}

std::vector<std::string> MachineSymbols::stateNames() const {
  std::vector<std::string> names;
  names.reserve(states.size());
  for (const auto* state : states) names.push_back(state->text);
  return names;
}

std::vector<std::string> MachineSymbols::contextFieldNames() const {
  std::vector<std::string> names;
  names.reserve(context.size());
  for (const auto* field : context) names.push_back(field->name.text);
  return names;
}

MachineSymbols buildSymbols(const ast::Machine& machine) {
  MachineSymbols symbols;
  if (machine.states) {
    for (const auto& name : machine.states->states) {
      if (symbols.stateIndex.emplace(name.text, static_cast<std::uint32_t>(symbols.states.size())).second) {
        symbols.states.push_back(&name);
      }
    }
  }
  symbols.isFinal.assign(symbols.states.size(), false);
  if (machine.finals) {
    symbols.finalsDeclared = true;
    for (const auto& name : machine.finals->states) {
      if (auto state = symbols.findState(name.text)) symbols.isFinal[*state] = true;
    }
  } else {
    std::vector<bool> hasWayOut(symbols.states.size(), false);
    for (const auto& transition : machine.transitions) {
      for (const auto& name : transition.source.states) {
        if (auto state = symbols.findState(name.text)) hasWayOut[*state] = true;
      }
    }
    for (std::size_t state = 0; state < symbols.states.size(); ++state) symbols.isFinal[state] = !hasWayOut[state];
  }
  if (machine.initial) symbols.initial = symbols.findState(machine.initial->text);

  for (const auto& field : machine.context) {
    if (symbols.contextIndex.emplace(field.name.text, static_cast<std::uint32_t>(symbols.context.size())).second) {
      symbols.context.push_back(&field);
    }
  }
  for (const auto& event : machine.events) {
    if (symbols.declaredEventIndex
            .emplace(event.name.value, static_cast<std::uint32_t>(symbols.declaredEvents.size()))
            .second) {
      symbols.declaredEvents.push_back(&event);
    }
  }
  return symbols;
}

std::string triggerKey(const ast::Trigger& trigger) {
  if (trigger.kind == ast::Trigger::Kind::Event) return "on \"" + trigger.event.value + "\"";
  if (!trigger.delay) return "after <malformed duration>";  // already E0109; compared with nothing
  return "after " + ast::formatDuration(trigger.delay->milliseconds);
}

}  // namespace approval::sema
