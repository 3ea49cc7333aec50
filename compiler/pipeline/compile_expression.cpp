#include "approval/expression.h"

#include "approval/lower.h"
#include "ir/ir_source.h"
#include "pipeline/large_stack.h"
#include "sema/expression_checks.h"
#include "sema/machine_symbols.h"
#include "sema/type_checks.h"

namespace approval {

namespace {

void compileInto(CompiledExpression& result, std::string text, const std::vector<ContextFieldType>& context,
                 const InputLimits& limits) {
  const FileId id = result.sources.add("<expression>", std::move(text));
  const SourceSpan nowhere{id, 1, 1, 1, 1};
  result.scope.span = nowhere;
  result.scope.name = ast::StringLiteral{"eval", nowhere};
  for (const auto& field : context) {
    ast::FieldDecl declaration;
    declaration.name = ast::Name{field.name, nowhere};
    declaration.type = typeRefOf(field.type, nowhere);
    declaration.span = nowhere;
    result.scope.context.push_back(std::move(declaration));
  }
  const ast::ExprPtr expr = parseExpression(result.sources, id, limits, result.diagnostics);
  if (!expr) return;
  const sema::MachineSymbols symbols = sema::buildSymbols(result.scope);
  const sema::ExpressionScope scope{symbols, nullptr, false, false, true};
  sema::checkExpression(*expr, scope, result.diagnostics);
  result.type = sema::checkTypes(*expr, scope, result.diagnostics);
  if (!result.diagnostics.hasErrors()) result.expr = lowerExpression(*expr, result.scope, result.sources);
  result.diagnostics.sortByLocation();
}

}  // namespace

std::unique_ptr<CompiledExpression> compileExpression(std::string text, const std::vector<ContextFieldType>& context,
                                                      const InputLimits& limits) {
  auto result = std::make_unique<CompiledExpression>();
  pipeline::runWithLargeStack([&] { compileInto(*result, std::move(text), context, limits); });
  return result;
}

}  // namespace approval
