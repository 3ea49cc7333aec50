// One guard expression on its own (`approvalc eval`): parsed, checked and typed against a
// set of named, typed context fields, then lowered like a guard.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "approval/ir.h"
#include "approval/source.h"
#include "approval/syntax.h"
#include "approval/types.h"

namespace approval {

struct ContextFieldType {
  std::string name;
  Type type;
};

struct CompiledExpression {
  SourceManager sources;
  DiagnosticSink diagnostics;
  ast::Machine scope;            // a machine that only declares the context fields
  std::optional<ir::Expr> expr;  // set when there are no errors; ContextField refs index `scope.context`
  Type type;                     // the static type of the expression
};

[[nodiscard]] std::unique_ptr<CompiledExpression> compileExpression(std::string text,
                                                                    const std::vector<ContextFieldType>& context,
                                                                    const InputLimits& limits = {});

}  // namespace approval
