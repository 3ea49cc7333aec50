// What a machine declares, indexed for lookups: shared by the checker and the lowering so
// that both resolve names, default final states and `*` sources the same way.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "approval/ast.h"

namespace approval::sema {

struct MachineSymbols {
  std::vector<const ast::Name*> states;  // distinct declared states, in declaration order
  std::unordered_map<std::string, std::uint32_t> stateIndex;
  std::vector<bool> isFinal;             // indexed like `states`
  bool finalsDeclared = false;           // `final:` given, as opposed to defaulted
  std::optional<std::uint32_t> initial;

  std::vector<const ast::FieldDecl*> context;  // distinct fields, in order
  std::unordered_map<std::string, std::uint32_t> contextIndex;

  std::vector<const ast::EventDecl*> declaredEvents;
  std::unordered_map<std::string, std::uint32_t> declaredEventIndex;

  [[nodiscard]] std::optional<std::uint32_t> findState(const std::string& name) const;
  [[nodiscard]] std::optional<std::uint32_t> findContextField(const std::string& name) const;
  [[nodiscard]] const ast::EventDecl* findEvent(const std::string& name) const;
  /// The declared states a transition leaves from: the named ones that exist, or for `*`
  /// every non-final state.
  [[nodiscard]] std::vector<std::uint32_t> sourcesOf(const ast::Transition& transition) const;
  [[nodiscard]] std::vector<std::string> stateNames() const;
  [[nodiscard]] std::vector<std::string> contextFieldNames() const;
};

/// Indexes a machine. Duplicates keep their first declaration (the checker reports them).
/// Without `final:`, the final states are those no transition names as its source.
[[nodiscard]] MachineSymbols buildSymbols(const ast::Machine& machine);

/// The name of an event trigger or a timer, used as the key of a (state, trigger) row.
[[nodiscard]] std::string triggerKey(const ast::Trigger& trigger);

}  // namespace approval::sema
