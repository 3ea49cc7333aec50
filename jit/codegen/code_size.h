// How large a guard's code will be, known before any of it is generated: a guard compiled
// as written (optnone) is generated differently from its first instruction on (its frame
// filled once, its code cut into short blocks), so the choice cannot wait for the end.
#pragma once

#include <cstddef>

#include "approval/ir.h"

namespace approval::jit {

struct CodeSize {
  std::size_t nodes = 0;       // expression nodes the code generator compiles
  std::size_t macroDepth = 0;  // macros nested in one another's bodies, at most
};

/// Whether `expr` is a macro: a loop binding operand 1 over the range, operand 0.
[[nodiscard]] bool isMacroCall(const ir::Expr& expr);
/// Whether `expr` is literals only: a literal, or a list or map of such.
[[nodiscard]] bool literalsOnly(const ir::Expr& expr);
/// A list or map of literals only counts as one node: it is built once, as the guard is
/// compiled, and read as a constant.
[[nodiscard]] CodeSize measure(const ir::Expr& expr);
/// Whether a guard of this size is compiled as written (kOptimizedNodes, kOptimizedMacroDepth).
[[nodiscard]] bool compiledAsWritten(const CodeSize& size);

}  // namespace approval::jit
