#include "engine/loaded_machine.h"

#include <algorithm>

#include "approval/evaluate.h"
#include "approval/stdlib.h"
#include "approval/value_type.h"
#include "engine/typed_values.h"

namespace approval::runtime {

namespace {

constexpr std::int64_t kNanosPerMilli = 1'000'000;

/// What a default reads that it cannot have, named for a message ("context field `a`"): a
/// default is computed with no context, event or instance. The compiler reports such a
/// default (E0312), so only hand-made IR has one; the interpreter's own error would name the
/// field by its index.
std::optional<std::string> unavailableRead(const ir::Expr& expr, const ir::Machine& machine) {
  if (expr.kind == ir::ExprKind::ContextField) {
    if (expr.ref < machine.context.size()) return "context field `" + machine.context[expr.ref].name + "`";
    return std::string("a context field");
  }
  if (expr.kind == ir::ExprKind::EventField) return "`event." + expr.name + "`";
  if (expr.kind == ir::ExprKind::Call) {
    const auto overloads = findGuardFunction(expr.name);
    const bool needsInstance =
        std::any_of(overloads.begin(), overloads.end(), [](const auto& function) { return function.needsInstance; });
    if (needsInstance) return "`" + expr.name + "()`";
  }
  for (const auto& operand : expr.operands) {
    if (auto read = unavailableRead(operand, machine)) return read;
  }
  return std::nullopt;
}

/// A declared default (a constant expression) as a value of the field's type. The compiler
/// converts nothing implicitly (E0311), so only hand-made IR can disagree, and then the JIT
/// (which reads a slot by its declared type) and the interpreter would disagree too.
Result<std::optional<Value>> defaultOf(const ir::Field& field, const Type& type, const ir::Machine& machine) {
  if (!field.defaultValue) return std::optional<Value>();
  if (auto read = unavailableRead(*field.defaultValue, machine)) {
    return Error{"the default of `" + field.name + "` reads " + *read +
                 ", but a default is computed with no context, no event and no instance"};
  }
  Value value = evaluate(*field.defaultValue, Environment{});
  if (value.isError()) {
    return Error{"the default of `" + field.name + "` fails: " + value.as<ErrorValue>().message};
  }
  if (auto mismatch = typeMismatch(value, type)) {
    const std::string spelled = type.spelling();
    return Error{"the default of `" + field.name + "` is not " + (spelled.starts_with("int") ? "an " : "a ") + spelled +
                 ": " + *mismatch};
  }
  return std::optional<Value>(std::move(value));
}

bool readsEvent(const ir::Expr& expr) {
  return expr.kind == ir::ExprKind::EventField || std::any_of(expr.operands.begin(), expr.operands.end(), readsEvent);
}

/// What a direct step runs: its actions as the answer lists them, and the events it emits.
struct DirectActions {
  std::vector<std::string> labels;
  std::vector<std::string> emitted;
};

/// The actions of a transition that only emits literal names, sets context fields and calls
/// host actions (with or without a compensation), or nothing: `compensate()` runs the saga,
/// which only the general path does, and a malformed action is the general path's to report.
std::optional<DirectActions> directActionsOf(const ir::Machine& machine, const ir::Transition& transition) {
  DirectActions direct;
  for (const auto& action : transition.actions) {
    const ir::Call& call = action.call;
    if (action.compensation) {  // only a host action has one, and only a host action is one
      if (call.kind != ir::Call::Kind::Host || action.compensation->kind != ir::Call::Kind::Host) return std::nullopt;
    }
    if (call.kind == ir::Call::Kind::Host) {
      direct.labels.push_back(call.name);
    } else if (call.kind == ir::Call::Kind::Set) {
      const bool wellFormed = call.arguments.size() == 2 && call.arguments[0].kind == ir::ExprKind::ContextField &&
                              call.arguments[0].ref < machine.context.size();
      if (!wellFormed) return std::nullopt;
      direct.labels.push_back(setActionLabel(machine.context[call.arguments[0].ref].name));
    } else {
      const std::string* name = call.kind == ir::Call::Kind::Emit ? emittedEvent(call) : nullptr;
      if (name == nullptr) return std::nullopt;
      direct.labels.push_back(emitActionLabel(*name));
      direct.emitted.push_back(*name);
    }
  }
  return direct;
}

/// The direct form of `row` in `state`, if it has one: the guards are compiled. A step can be
/// taken in place when its actions are only `emit`s, `set`s and host actions (a compensation
/// joins the instance's saga); the others are still tried (their guards decide), and the
/// event is direct only when none of them is chosen. A step out of or into a state with
/// timers replaces the instance's timers as it is taken.
/// Transitions after the first unguarded one are never tried, so they do not count.
std::optional<DirectRow> directRowOf(const LoadedMachine& loaded, ir::StateIndex state, const ir::EventRow& row) {
  const ir::Machine& ir = loaded.ir;
  DirectRow direct{&ir.events[row.event].name, &ir.states[state].name, {}, &loaded, false,
                   !loaded.routes[row.event].empty()};
  bool anyTakeable = false;
  bool canStay = true;
  for (const auto index : row.transitions) {
    const ir::Transition& transition = ir.transitions[index];
    if (transition.target >= ir.table.size()) return std::nullopt;
    DirectStep step{index, transition.target, &loaded.transitionDetails[index], nullptr, nullptr, false};
    const auto& labels = loaded.actionLabelsBy[index];
    const auto& emitted = loaded.emittedBy[index];
    const bool inPlace = transition.actions.empty() || !labels.empty();
    step.takeable = inPlace;
    step.replacesTimers = !ir.table[state].timers.empty() || !ir.table[transition.target].timers.empty();
    const auto& armed = loaded.timersByState[transition.target];
    step.timers = armed.empty() ? nullptr : &armed;
    auto runs = [&](ir::Call::Kind kind) {
      return inPlace && std::any_of(transition.actions.begin(), transition.actions.end(),
                                    [&](const ir::Action& a) { return a.call.kind == kind; });
    };
    step.runsHostActions = runs(ir::Call::Kind::Host);
    step.setsContext = runs(ir::Call::Kind::Set);
    if (!labels.empty()) {
      step.actions = &labels;
      step.emitted = &emitted;
      step.routesEmitted = std::any_of(emitted.begin(), emitted.end(), [&](const std::string& name) {
        auto event = loaded.eventByName.find(name);
        return event != loaded.eventByName.end() && !loaded.routes[event->second].empty();
      });
    }
    anyTakeable = anyTakeable || step.takeable;
    if (transition.guard) {
      if (!loaded.guards) return std::nullopt;
      direct.readsEvent = direct.readsEvent || readsEvent(*transition.guard);
      step.whenFalse = &loaded.verdictTexts[2 * index];
      step.whenTrue = &loaded.verdictTexts[2 * index + 1];
    }
    direct.steps.push_back(step);
    if (!transition.guard) {
      canStay = false;
      break;
    }
  }
  if (direct.steps.empty() || (!anyTakeable && !canStay)) return std::nullopt;
  // An unguarded first step is the row's only one, and takeable (or the row is not direct).
  const DirectStep& first = direct.steps.front();
  direct.plain = first.whenTrue == nullptr && !first.runsHostActions && !first.setsContext && !direct.routed &&
                 !first.routesEmitted && loaded.payloads[row.event].empty();
  return direct;
}

void prepareDirectRows(LoadedMachine& loaded) {
  const ir::Machine& ir = loaded.ir;
  for (const auto& transition : ir.transitions) {
    const std::string& target = ir.states.at(transition.target).name;
    loaded.transitionDetails.push_back(ir.states.at(transition.source).name + " → " + target);
    // The general path's guard labels (transition_runner.cpp).
    const std::string label = "transition " + std::to_string(transition.declaration + 1) + " → " + target;
    loaded.verdictTexts.push_back(label + ": false");
    loaded.verdictTexts.push_back(label + ": true");
    auto& emitted = loaded.emittedBy.emplace_back();
    auto& labels = loaded.actionLabelsBy.emplace_back();
    if (auto actions = directActionsOf(ir, transition)) {
      labels = std::move(actions->labels);
      emitted = std::move(actions->emitted);
    }
  }
  // The general path's timersFor: each `after` transition of the state, due its delay after entry.
  loaded.timersByState.resize(ir.table.size());
  for (ir::StateIndex state = 0; state < ir.table.size(); ++state) {
    for (const auto index : ir.table[state].timers) {
      const std::int64_t delay = ir.transitions[index].delayMs.value_or(0) * kNanosPerMilli;
      loaded.timersByState[state].push_back({index, delay});
    }
  }
  loaded.directByRow.resize(ir.table.size());
  for (ir::StateIndex state = 0; state < ir.table.size(); ++state) {
    for (const auto& row : ir.table[state].events) loaded.directByRow[state].push_back(directRowOf(loaded, state, row));
  }
  // One load per event instead of a search of the state's rows, while the table stays small.
  const std::size_t cells = ir.table.size() * ir.events.size();
  if (cells == 0 || cells > LoadedMachine::kMaxDirectCells) return;
  loaded.directCells.assign(cells, nullptr);
  for (ir::StateIndex state = 0; state < ir.table.size(); ++state) {
    const auto& rows = ir.table[state].events;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (const auto& direct = loaded.directByRow[state][i]) {
        loaded.directCells[state * ir.events.size() + rows[i].event] = &*direct;
      }
    }
  }
}

}  // namespace

std::optional<std::string> recordProblem(const LoadedMachine& machine, const InstanceRecord& record) {
  if (record.state >= machine.ir.states.size()) {
    return "its state " + std::to_string(record.state) + " is not one of the machine's " +
           std::to_string(machine.ir.states.size());
  }
  if (record.context.size() != machine.contextTypes.size()) {
    return "its context has " + std::to_string(record.context.size()) + " fields, the machine " +
           std::to_string(machine.contextTypes.size());
  }
  for (std::size_t i = 0; i < record.context.size(); ++i) {
    const Value& value = record.context[i];
    const Type& type = machine.contextTypes[i];
    const bool fits = type.kind == TypeKind::List  ? value.is<std::shared_ptr<const ValueList>>()
                      : type.kind == TypeKind::Map ? value.is<std::shared_ptr<const ValueMap>>()
                                                   : !typeMismatch(value, type);
    if (!fits) {
      return "its field `" + machine.ir.context[i].name + "` holds a value of kind " +
             std::string(valueKindName(value)) + "; the machine declares " + type.spelling();
    }
  }
  return std::nullopt;
}

std::optional<std::string> setValueProblem(const LoadedMachine& machine, const ir::Call& set, const Value& value) {
  const std::uint32_t field = set.arguments[0].ref;
  if (set.arguments[1].type == machine.contextTypes[field]) return std::nullopt;
  auto problem = typeMismatch(value, machine.contextTypes[field]);
  if (!problem) return std::nullopt;
  return "the value does not have the type of `" + machine.ir.context[field].name + "`: " + *problem +
         " (a `dyn` value is checked when it is set)";
}

const std::string* emittedEvent(const ir::Call& call) {
  return call.arguments.empty() ? nullptr : std::get_if<std::string>(&call.arguments[0].literal);
}

std::string emitActionLabel(const std::string& event) { return "emit(" + event + ")"; }

std::string setActionLabel(const std::string& field) { return "set(" + field + ")"; }

const DirectRow* LoadedMachine::direct(ir::StateIndex state, ir::EventIndex event) const {
  if (!directCells.empty()) {
    const std::size_t events = ir.events.size();
    return state < ir.table.size() && event < events ? directCells[state * events + event] : nullptr;
  }
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
    auto value = defaultOf(field, *type, machine);
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
      auto value = defaultOf(field, *type, machine);
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
  prepareDirectRows(*loaded);  // points into loaded->ir: after the move
  return std::shared_ptr<const LoadedMachine>(std::move(loaded));
}

}  // namespace approval::runtime
