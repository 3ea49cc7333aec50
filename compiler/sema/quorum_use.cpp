#include "sema/quorum_use.h"

#include <vector>

namespace approval::sema {

namespace {

bool isDefaultQuorumCall(const ast::Expr& expr) {
  return expr.kind == ast::ExprKind::Call && expr.name == "hasQuorum" && !expr.receiverCall &&
         expr.operands.empty();
}

/// Depth first, left to right, with an explicit stack: guards may nest deeply.
const ast::Expr* findIn(const ast::Expr& root) {
  std::vector<const ast::Expr*> pending{&root};
  while (!pending.empty()) {
    const ast::Expr* expr = pending.back();
    pending.pop_back();
    if (isDefaultQuorumCall(*expr)) return expr;
    for (auto operand = expr->operands.rbegin(); operand != expr->operands.rend(); ++operand) {
      if (*operand) pending.push_back(operand->get());
    }
  }
  return nullptr;
}

const ast::Expr* findIn(const ast::Call& call) {
  for (const auto& argument : call.arguments) {
    if (!argument) continue;
    if (const ast::Expr* found = findIn(*argument)) return found;
  }
  return nullptr;
}

}  // namespace

const ast::Expr* firstDefaultQuorumCall(const ast::Machine& machine) {
  for (const auto& transition : machine.transitions) {
    if (transition.guard) {
      if (const ast::Expr* found = findIn(*transition.guard)) return found;
    }
    for (const auto& action : transition.actions) {
      if (const ast::Expr* found = findIn(action.call)) return found;
      if (action.compensation) {
        if (const ast::Expr* found = findIn(*action.compensation)) return found;
      }
    }
  }
  return nullptr;
}

}  // namespace approval::sema
