// Whole-machine warnings: unreachable states, states that cannot finish, routes nobody uses.
#pragma once

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "sema/machine_symbols.h"

namespace approval::sema {

void checkGraph(const ast::Machine& machine, const MachineSymbols& symbols, DiagnosticSink& sink);
void checkRoutes(const ast::Machine& machine, DiagnosticSink& sink);

}  // namespace approval::sema
