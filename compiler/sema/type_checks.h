// Static typing of guards, action arguments and default values (CEL's rules, no implicit
// numeric conversions). Name errors are reported by expression_checks; here an unresolved
// name has the Error type, which is accepted silently so that one mistake gives one message.
#pragma once

#include <unordered_map>

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "approval/types.h"
#include "sema/expression_checks.h"

namespace approval::sema {

/// The type of every node of a checked expression, for lowering.
using ExprTypes = std::unordered_map<const ast::Expr*, Type>;

/// The type of `expr`, reporting every type error inside it; with `types`, also the type of
/// every node.
Type checkTypes(const ast::Expr& expr, const ExpressionScope& scope, DiagnosticSink& sink, ExprTypes* types = nullptr);

/// A guard: typed, and its type must be bool.
void checkGuardType(const ast::Expr& guard, const ExpressionScope& scope, DiagnosticSink& sink);

/// `set(field, value)` and `field: TYPE = value`: the value must have the field's type.
void checkAssignment(const std::string& field, const ast::TypeRef& fieldType, const ast::Expr& value,
                     const ExpressionScope& scope, DiagnosticSink& sink);

/// The type a declaration spells; Error when the spelling is not a type (reported elsewhere).
[[nodiscard]] Type declaredType(const ast::TypeRef& type);

}  // namespace approval::sema
