// Stage 2: name resolution and graph checks over the AST; reports located diagnostics.
#pragma once

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "approval/syntax.h"

namespace approval {

/// Checks every machine of every file together (machine names are global). Reports every
/// independent problem; returns true when no errors were found.
/// `limits.maxTransitions` bounds each machine's expanded transitions (E0110).
bool checkProgram(const std::vector<const ast::File*>& files, DiagnosticSink& sink, const InputLimits& limits = {});

}  // namespace approval
