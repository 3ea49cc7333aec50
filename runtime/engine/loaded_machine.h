// A machine ready to run: its IR, compiled guards, and the lookups `fire` needs (events and
// states by name, declared types, defaults), built once at load.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "approval/ir.h"
#include "approval/jit.h"
#include "approval/result.h"
#include "approval/store.h"
#include "approval/types.h"
#include "approval/value.h"

namespace approval::runtime {

struct PayloadField {
  std::string name;
  Type type;
  std::optional<Value> defaultValue;
};

struct LoadedMachine : std::enable_shared_from_this<LoadedMachine> {
  ir::Machine ir;
  std::optional<jit::MachineGuards> guards;  // absent: the interpreter evaluates guards
  std::vector<Type> contextTypes;
  std::vector<std::optional<Value>> contextDefaults;
  absl::flat_hash_map<std::string, ir::EventIndex> eventByName;
  std::vector<std::vector<PayloadField>> payloads;  // by EventIndex, in declaration order
  std::vector<std::vector<std::string>> routes;     // targets by EventIndex
  std::vector<std::string> transitionDetails;       // "FROM → TO" by TransitionIndex
  /// "transition N → TO: false" and "...: true" at 2t and 2t+1 for TransitionIndex t.
  std::vector<std::string> verdictTexts;
  /// By TransitionIndex, for a transition whose actions are all `emit`s, `set`s and host
  /// actions (a direct step's): the events it emits and its actions as the answer lists them
  /// ("emit(NAME)", "set(FIELD)", the host action's name); empty for the others.
  std::vector<std::vector<std::string>> emittedBy;
  std::vector<std::vector<std::string>> actionLabelsBy;
  /// By state: the `after` transitions entering it arms (what a direct step into it arms).
  std::vector<std::vector<DirectTimer>> timersByState;
  /// By state, parallel to ir.table[state].events: the row when the instance's state and
  /// context alone decide what the event does (Store::applyDirect).
  std::vector<std::vector<std::optional<DirectRow>>> directByRow;
  /// The direct rows by state × event (state * events + event), null where there is none;
  /// empty when that table would take more than kMaxDirectCells cells.
  std::vector<const DirectRow*> directCells;
  static constexpr std::size_t kMaxDirectCells = std::size_t{1} << 16;

  [[nodiscard]] const ir::EventRow* row(ir::StateIndex state, ir::EventIndex event) const;
  [[nodiscard]] const DirectRow* direct(ir::StateIndex state, ir::EventIndex event) const;
};

/// Why a record a store returned cannot be an instance of `machine`, or nothing: a state out
/// of range, a context of another length, or a field whose value is of another kind (lists
/// and maps are checked as such, not element by element: this runs on every event of the
/// general path). The engine's own records always fit; a store's are not trusted.
[[nodiscard]] std::optional<std::string> recordProblem(const LoadedMachine& machine, const InstanceRecord& record);

/// Why `value`, computed for the `set(field, ...)` call `set`, cannot be stored in its field,
/// or nothing. Only a value whose static type is not the field's (it went through `dyn`) is
/// checked: the compiler proved the others.
[[nodiscard]] std::optional<std::string> setValueProblem(const LoadedMachine& machine, const ir::Call& set,
                                                         const Value& value);

/// The event an `emit` call names (its literal first argument), or null when it names none.
[[nodiscard]] const std::string* emittedEvent(const ir::Call& call);
/// How the answer and the history list an `emit` of `event` among the actions run.
[[nodiscard]] std::string emitActionLabel(const std::string& event);
/// How they list a `set` of the context field `field`.
[[nodiscard]] std::string setActionLabel(const std::string& field);

/// Prepares `machine`; with `jit`, compiles its guards (an error if that fails).
[[nodiscard]] Result<std::shared_ptr<const LoadedMachine>> prepareMachine(ir::Machine machine, bool jit,
                                                                         unsigned optimizationLevel);

}  // namespace approval::runtime
