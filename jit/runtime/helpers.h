// The runtime helpers generated code may call: the only symbols the JIT links against.
// Each entry names a C function, its address, and its signature in a compact spelling the
// code generator turns into an LLVM function type, so the two can never disagree:
//   result ':' parameters, one letter each: p pointer, l i64, i i32, d double, v void.
#pragma once

#include <span>
#include <string_view>

namespace approval::jit {

struct HelperSymbol {
  std::string_view name;
  const void* address;
  std::string_view signature;
};

[[nodiscard]] std::span<const HelperSymbol> runtimeHelpers();

}  // namespace approval::jit
