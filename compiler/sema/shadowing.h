// Which transitions can never fire, and why: shared by the ambiguity diagnostics (E0301,
// W0301) and the reachability warnings, which must not follow an edge that is never taken.
#pragma once

#include <cstdint>
#include <unordered_set>
#include <vector>

#include "approval/ast.h"
#include "sema/machine_symbols.h"

namespace approval::sema {

/// One expanded transition (a declaration, from one of its source states) that never fires.
struct Shadowing {
  enum class Reason {
    /// An earlier unguarded transition for the same state and trigger is always tried first.
    SameTrigger,
    /// An unguarded timer of the same state with a shorter delay always leaves the state
    /// first (timers are tried in delay order, and entering a state re-arms its timers).
    ShorterTimer,
  };
  std::uint32_t shadowed = 0;  // declaration index of the transition that never fires
  std::uint32_t winner = 0;    // declaration index of the transition that always wins
  std::uint32_t state = 0;
  Reason reason = Reason::SameTrigger;
};

/// Every shadowed (transition, state): first those behind a shorter timer, then those behind
/// an earlier transition for the same trigger. A guarded transition already behind a shorter
/// timer is not listed again; an unguarded one is (two unguarded timers of one length stay
/// E0301).
[[nodiscard]] std::vector<Shadowing> findShadowing(const ast::Machine& machine, const MachineSymbols& symbols);

/// The (transition, state) pairs of `shadowings`, as keys of `edgeKey`.
[[nodiscard]] std::unordered_set<std::uint64_t> deadEdges(const std::vector<Shadowing>& shadowings);
[[nodiscard]] std::uint64_t edgeKey(std::uint32_t transition, std::uint32_t state);

}  // namespace approval::sema
