// Defaults computed at compile time with the reference interpreter, so that a default the
// runtime could not compute (`1 / 0`) is reported by `check` instead of when the machine loads.
#pragma once

#include <optional>

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "approval/value.h"

namespace approval::sema {

/// `field`'s default, which passed the name and type checks (so it reads no context, event
/// or instance): reports E0312 at the smallest part of it that fails to compute, and E0311
/// when what it computes is not of the field's type (`dyn` hid it from the type checker).
void checkDefaultComputes(const ast::FieldDecl& field, DiagnosticSink& sink);

/// `duration("...")` or `timestamp("...")` of a string literal, computed now: text it can
/// never convert (`duration("1hh")`, `timestamp("2024-02-30T00:00:00Z")`) is E0109 with the
/// evaluator's own message, which names the unit or the form, rather than a guard that fails
/// each time it runs. Other calls are left alone.
void checkLiteralConversion(const ast::Expr& call, DiagnosticSink& sink);

/// `expr`'s value when it is arithmetic on number and bool literals only (operators and
/// `?:`, no names, no calls, no strings), such as `1 - 1`; empty otherwise.
[[nodiscard]] std::optional<Value> arithmeticConstant(const ast::Expr& expr);

}  // namespace approval::sema
