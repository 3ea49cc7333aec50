#include "engine/loaded_machine.h"

#include <algorithm>

#include "approval/evaluate.h"

namespace approval::runtime {

namespace {

/// A declared default (a constant expression) as a value.
Result<std::optional<Value>> defaultOf(const ir::Field& field) {
  if (!field.defaultValue) return std::optional<Value>();
  Value value = evaluate(*field.defaultValue, Environment{});
  if (value.isError()) {
    return Error{"the default of `" + field.name + "` fails: " + value.as<ErrorValue>().message};
  }
  return std::optional<Value>(std::move(value));
}

/// A row is direct when its first transition is unguarded (it is always taken) and runs no
/// actions, and the event carries no payload and goes to no route target, and neither state
/// has timers to cancel or arm: the journal entry and the new state are then all there is.
void prepareDirectTransitions(LoadedMachine& loaded) {
  const ir::Machine& ir = loaded.ir;
  for (const auto& transition : ir.transitions) {
    loaded.transitionDetails.push_back(ir.states.at(transition.source).name + " → " +
                                       ir.states.at(transition.target).name);
  }
  loaded.directByRow.resize(ir.table.size());
  for (ir::StateIndex state = 0; state < ir.table.size(); ++state) {
    for (const auto& row : ir.table[state].events) {
      auto& direct = loaded.directByRow[state].emplace_back();
      if (row.transitions.empty() || !loaded.payloads[row.event].empty() || !loaded.routes[row.event].empty()) continue;
      const ir::TransitionIndex first = row.transitions.front();
      const ir::Transition& transition = ir.transitions[first];
      if (transition.guard || !transition.actions.empty()) continue;
      if (!ir.table[state].timers.empty() || transition.target >= ir.table.size() ||
          !ir.table[transition.target].timers.empty()) {
        continue;
      }
      direct = DirectTransition{transition.target, &ir.events[row.event].name, &loaded.transitionDetails[first], &loaded};
    }
  }
}

}  // namespace

const DirectTransition* LoadedMachine::direct(ir::StateIndex state, ir::EventIndex event) const {
  const ir::EventRow* found = row(state, event);
  if (found == nullptr) return nullptr;
  const auto& direct = directByRow[state][static_cast<std::size_t>(found - ir.table[state].events.data())];
  return direct ? &*direct : nullptr;
}

const ir::EventRow* LoadedMachine::row(ir::StateIndex state, ir::EventIndex event) const {
  if (state >= ir.table.size()) return nullptr;
  const auto& rows = ir.table[state].events;
  auto found = std::lower_bound(rows.begin(), rows.end(), event,
                                [](const ir::EventRow& row, ir::EventIndex e) { return row.event < e; });
  return found != rows.end() && found->event == event ? &*found : nullptr;
}

Result<std::shared_ptr<const LoadedMachine>> prepareMachine(ir::Machine machine, bool jit, unsigned optimizationLevel) {
  auto loaded = std::make_shared<LoadedMachine>();
  for (const auto& field : machine.context) {
    auto type = parseType(field.type);
    if (!type) return Error{"context field `" + field.name + "` has an unknown type `" + field.type + "`"};
    loaded->contextTypes.push_back(*type);
    auto value = defaultOf(field);
    if (!value) return value.error();
    loaded->contextDefaults.push_back(std::move(value).value());
  }
  loaded->payloads.resize(machine.events.size());
  loaded->routes.resize(machine.events.size());
  for (ir::EventIndex e = 0; e < machine.events.size(); ++e) {
    const auto& event = machine.events[e];
    loaded->eventByName.emplace(event.name, e);
    for (const auto& field : event.payload) {
      auto type = parseType(field.type);
      if (!type) return Error{"payload field `" + field.name + "` has an unknown type `" + field.type + "`"};
      auto value = defaultOf(field);
      if (!value) return value.error();
      loaded->payloads[e].push_back({field.name, *type, std::move(value).value()});
    }
  }
  for (const auto& route : machine.routes) {
    if (route.event < loaded->routes.size()) {
      for (const auto& target : route.targets) loaded->routes[route.event].push_back(target);
    }
  }
  if (jit) {
    auto guards = jit::MachineGuards::compile(machine, jit::JitOptions{.optimizationLevel = optimizationLevel});
    if (!guards) return Error{"compiling the guards of `" + machine.name + "` failed: " + guards.error().message};
    loaded->guards = std::move(guards).value();
  }
  loaded->ir = std::move(machine);
  prepareDirectTransitions(*loaded);  // points into loaded->ir: after the move
  return std::shared_ptr<const LoadedMachine>(std::move(loaded));
}

}  // namespace approval::runtime
