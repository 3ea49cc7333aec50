// Checks of the `transitions` block: names, triggers, guards, actions, and the ambiguity
// rules of DESIGN.md (two unguarded transitions for one state and trigger is an error; a
// transition after an unguarded one for the same state and trigger, or a timer longer than
// an unguarded one of its state, is shadowed).
#pragma once

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "sema/machine_symbols.h"
#include "sema/shadowing.h"

namespace approval::sema {

/// `shadowings` (findShadowing) are the transitions E0301 and W0301 report.
void checkTransitions(const ast::Machine& machine, const MachineSymbols& symbols,
                      const std::vector<Shadowing>& shadowings, DiagnosticSink& sink);

}  // namespace approval::sema
