// Name resolution inside guards and action arguments: context fields, `event.X`, macro
// variables, and calls against the stdlib table. Types are checked by the guard checker.
#pragma once

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "sema/machine_symbols.h"

namespace approval::sema {

struct ExpressionScope {
  const MachineSymbols& symbols;
  /// The declaration of the event that triggers the transition, if declared; null for
  /// timers and undeclared events.
  const ast::EventDecl* event = nullptr;
  bool isTimer = false;
};

void checkExpression(const ast::Expr& expr, const ExpressionScope& scope, DiagnosticSink& sink);

}  // namespace approval::sema
