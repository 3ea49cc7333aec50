// Stage 3: a checked AST lowered to the IR.
#pragma once

#include "approval/ast.h"
#include "approval/ir.h"
#include "approval/source.h"

namespace approval {

/// Lowers a machine that passed checkProgram without errors.
[[nodiscard]] ir::Machine lowerMachine(const ast::Machine& machine, const SourceManager& sources);

/// An expression checked against `machine`'s context, lowered the way its guards are.
[[nodiscard]] ir::Expr lowerExpression(const ast::Expr& expr, const ast::Machine& machine, const SourceManager& sources);

/// A checked expression that reads no context field, no event and no instance (a default
/// value), lowered on its own so that the compiler can evaluate it.
[[nodiscard]] ir::Expr lowerConstant(const ast::Expr& expr);

/// "sha256:<hex>" of the machine's canonical JSON without spans and without the hash.
[[nodiscard]] std::string computeContentHash(const ir::Machine& machine);

}  // namespace approval
