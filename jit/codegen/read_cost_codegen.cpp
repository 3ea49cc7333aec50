// What operations inside a macro read, counted as visited against kMaxMacroElements
// (approval/evaluate.h): the interpreter's eval:: costs, called through frame-free helpers
// only for operands that can cost something, and added up in the order the interpreter
// charges them, so both stop at the same operation.
#include <llvm/IR/Constants.h>

#include "codegen/expression_codegen.h"
#include "eval/eval_internal.h"

namespace approval::jit {

llvm::Value* ExpressionCodegen::operandCost(const ir::Expr& operand, CgValue value, std::string_view costHelper,
                                            CostOf costOf) {
  if (value.repr != Repr::Boxed) return nullptr;  // a scalar: reads nothing that grows
  if (operand.kind == ir::ExprKind::Literal) {      // a string or null, known now
    const auto* text = std::get_if<std::string>(&operand.literal);
    const std::uint64_t cost = text == nullptr ? costOf(Value(NullValue{})) : costOf(Value(*text));
    return cost == 0 ? nullptr : builder_.getInt64(cost);
  }
  return helper(costHelper, {value.value});
}

void ExpressionCodegen::chargeRead(const std::vector<llvm::Value*>& costs, const std::string& what) {
  if (scope_.empty()) return;
  llvm::Value* sum = nullptr;
  for (auto* cost : costs) {
    if (cost != nullptr) sum = sum == nullptr ? cost : builder_.CreateAdd(sum, cost);
  }
  if (sum != nullptr) countVisited(sum, what);
}

void ExpressionCodegen::chargeArguments(const ir::Expr& call, const std::vector<CgValue>& arguments) {
  if (scope_.empty()) return;
  std::vector<llvm::Value*> costs;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    costs.push_back(operandCost(call.operands[i], arguments[i], "approval_jit_text_cost", eval::textCost));
  }
  chargeRead(costs, call.name);
}

}  // namespace approval::jit
