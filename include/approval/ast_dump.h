// `approvalc --emit ast`: the AST as an indented tree with the span of every node.
#pragma once

#include <string>

#include "approval/ast.h"

namespace approval {

[[nodiscard]] std::string dumpAst(const ast::File& file);
/// One expression in CEL-like prefix form, e.g. `(&& (<= amount 500000) (call hasQuorum))`.
[[nodiscard]] std::string dumpExpr(const ast::Expr& expr);

}  // namespace approval
