// Name resolution inside guards, action arguments and defaults: context fields, `event.X`,
// macro variables, and calls against the stdlib table; and what each place can read (a
// default nothing of the instance, a timer no current event's votes). Types are checked by
// the guard checker.
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
  /// A field's default value: computed with no context, no event and no instance, so it
  /// may read none of them.
  bool isDefault = false;
  /// A standalone expression (`approvalc eval`): its context fields are the keys of
  /// `--context`, and there is no event. Only the help of E0304 and E0305 differs.
  bool isEval = false;
};

void checkExpression(const ast::Expr& expr, const ExpressionScope& scope, DiagnosticSink& sink);

}  // namespace approval::sema
