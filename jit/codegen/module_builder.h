// Builds the LLVM module for a set of expressions: one function per entry plus a table of
// their addresses (`approval_entries`), so loading needs a single symbol lookup.
#pragma once

#include <deque>
#include <memory>
#include <span>
#include <string_view>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "approval/jit.h"
#include "approval/types.h"
#include "approval/value.h"

namespace approval::jit {

inline constexpr std::string_view kEntryTableSymbol = "approval_entries";

struct BuiltModule {
  std::unique_ptr<llvm::Module> module;
  /// Values the code reads through JitFrame::constants (string literals, names, errors).
  /// A deque: addresses stay valid while it grows.
  std::deque<Value> constants;
};

/// Generated code for the same inputs is identical, so the object cache can key on them.
[[nodiscard]] BuiltModule buildModule(llvm::LLVMContext& context, std::span<const ExpressionEntry> entries,
                                      std::span<const Type> contextTypes, std::string_view moduleName);

}  // namespace approval::jit
