// Defaults computed at compile time with the reference interpreter, so that a default the
// runtime could not compute (`1 / 0`) is reported by `check` instead of when the machine loads.
#pragma once

#include "approval/ast.h"
#include "approval/diagnostic.h"

namespace approval::sema {

/// `field`'s default, which passed the name and type checks (so it reads no context, event
/// or instance): reports E0312 at the smallest part of it that fails to compute.
void checkDefaultComputes(const ast::FieldDecl& field, DiagnosticSink& sink);

}  // namespace approval::sema
