// The size of a machine once `*` and `[A, B]` sources expand to one transition per state
// (E0110): 1,000 states and 1,000 `*` lines are a million transitions, which the later
// checks, the IR and the runtime's tables would all hold.
#pragma once

#include <cstddef>

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "sema/machine_symbols.h"

namespace approval::sema {

/// Whether the expanded transitions stay within `maxTransitions`; otherwise reports E0110 at
/// the transition that passes the limit and returns false.
bool checkExpansion(const ast::Machine& machine, const MachineSymbols& symbols, std::size_t maxTransitions,
                    DiagnosticSink& sink);

}  // namespace approval::sema
