#include "codegen/code_size.h"

#include <algorithm>

#include "approval/jit.h"
#include "approval/stdlib.h"

namespace approval::jit {

bool isMacroCall(const ir::Expr& expr) {
  return expr.kind == ir::ExprKind::Call && expr.receiverCall && expr.operands.size() >= 3 &&
         expr.operands[1].kind == ir::ExprKind::Variable && isMacro(expr.name);
}

bool literalsOnly(const ir::Expr& expr) {
  if (expr.kind == ir::ExprKind::Literal) return true;
  if (expr.kind != ir::ExprKind::List && expr.kind != ir::ExprKind::Map) return false;
  return std::all_of(expr.operands.begin(), expr.operands.end(), literalsOnly);
}

CodeSize measure(const ir::Expr& expr) {
  CodeSize size{1, 0};
  if ((expr.kind == ir::ExprKind::List || expr.kind == ir::ExprKind::Map) && literalsOnly(expr)) return size;
  const bool macro = isMacroCall(expr);
  for (std::size_t i = 0; i < expr.operands.size(); ++i) {
    const CodeSize inner = measure(expr.operands[i]);
    size.nodes += inner.nodes;
    // The range is compiled outside the loop; the predicate and transform inside it.
    const std::size_t inBody = macro && i >= 2 ? 1 : 0;
    size.macroDepth = std::max(size.macroDepth, inner.macroDepth + inBody);
  }
  return size;
}

bool compiledAsWritten(const CodeSize& size) {
  return size.nodes > kOptimizedNodes || size.macroDepth > kOptimizedMacroDepth;
}

}  // namespace approval::jit
