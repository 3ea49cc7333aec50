// Where ApprovalState's count methods sit in its vtable, so that generated code can make
// the same virtual call a C++ caller makes (load the vtable pointer, load the slot, call)
// instead of calling a helper that calls it: `hasQuorum(n)` is one of the guards users
// write most, and the extra call level was most of its cost over hand-written C++.
#pragma once

#include <cstdint>
#include <optional>

namespace approval::jit {

/// Byte offsets of the methods' slots in ApprovalState's vtable (Itanium C++ ABI).
/// Empty on an ABI this file does not know; code generation then calls the helpers.
struct StateMethodOffsets {
  std::optional<std::uint64_t> currentEventVotes;
  std::optional<std::uint64_t> quorumVotes;
  std::optional<std::uint64_t> quorumRequired;
};

[[nodiscard]] const StateMethodOffsets& stateMethodOffsets();

}  // namespace approval::jit
