// Parse tree → AST. Internal to the syntax stage: the AST it returns holds no ANTLR types.
#pragma once

#include <ApprovalParser.h>

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "approval/syntax.h"

namespace approval::syntax {

/// Builds the AST of a parse tree that had no syntax errors. Reports malformed literals
/// and expressions deeper than the limit.
[[nodiscard]] ast::File buildAst(grammar::ApprovalParser::FileContext* tree, FileId file,
                                 const InputLimits& limits, DiagnosticSink& sink);

/// The expression of an `exprEntry` tree; null when it was dropped for nesting too deep.
[[nodiscard]] ast::ExprPtr buildExpressionAst(grammar::ApprovalParser::ExprEntryContext* tree, FileId file,
                                              const InputLimits& limits, DiagnosticSink& sink);

}  // namespace approval::syntax
