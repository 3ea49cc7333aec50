// Where a machine relies on its quorum policy: only `hasQuorum()` with no count reads it
// (`hasQuorum(n)` and `votes(...)` count actors themselves).
#pragma once

#include "approval/ast.h"

namespace approval::sema {

/// The first `hasQuorum()` without a count in a guard or an action's argument, or null when
/// the machine never asks for its quorum policy.
[[nodiscard]] const ast::Expr* firstDefaultQuorumCall(const ast::Machine& machine);

}  // namespace approval::sema
