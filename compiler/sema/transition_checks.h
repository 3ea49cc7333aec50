// Checks of the `transitions` block: names, triggers, guards, actions, and the ambiguity
// rules of DESIGN.md (two unguarded transitions for one state and trigger is an error; a
// transition after an unguarded one for the same state and trigger is shadowed).
#pragma once

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "sema/machine_symbols.h"

namespace approval::sema {

void checkTransitions(const ast::Machine& machine, const MachineSymbols& symbols, DiagnosticSink& sink);

}  // namespace approval::sema
