// Checks of a machine's declarations: sections, states, initial/final, context, events,
// quorum policy.
#pragma once

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "sema/machine_symbols.h"

namespace approval::sema {

void checkDeclarations(const ast::Machine& machine, const MachineSymbols& symbols, DiagnosticSink& sink);

/// "did you mean `X`?" or the fallback advice; the fallback alone once the sink's budget of
/// suggestion comparisons is spent.
[[nodiscard]] std::string suggestion(DiagnosticSink& sink, const std::string& name,
                                     const std::vector<std::string>& candidates, const std::string& fallback);

}  // namespace approval::sema
