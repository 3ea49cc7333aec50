// Whole-machine warnings: unreachable states, states that cannot finish, routes nobody uses.
#pragma once

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "sema/machine_symbols.h"
#include "sema/shadowing.h"

namespace approval::sema {

/// The graph leaves out the `shadowings`: a transition that never fires reaches nothing.
void checkGraph(const ast::Machine& machine, const MachineSymbols& symbols, const std::vector<Shadowing>& shadowings,
                DiagnosticSink& sink);
/// Empty, repeated and unused route targets.
void checkRoutes(const ast::Machine& machine, DiagnosticSink& sink);
/// W0405: an emitted event that no route names. A whole-machine warning, as checkGraph's.
void checkEmitsRouted(const ast::Machine& machine, DiagnosticSink& sink);

}  // namespace approval::sema
