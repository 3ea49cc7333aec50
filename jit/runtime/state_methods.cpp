#include "runtime/state_methods.h"

#include <cstddef>
#include <cstring>

#include "approval/evaluate.h"

namespace approval::jit {

namespace {

/// The vtable offset a pointer to a virtual member function holds. In the Itanium C++ ABI
/// (GCC and Clang on x86-64) such a pointer is {1 + the slot's byte offset, this-adjustment};
/// a non-virtual one holds an even function address instead. ARM's variant of the ABI moves
/// the virtual flag into the adjustment, so only x86-64 is decoded here.
template <typename Method>
std::optional<std::uint64_t> vtableOffset(Method method) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  struct Representation {
    std::uintptr_t pointer;
    std::ptrdiff_t adjustment;
  };
  static_assert(sizeof(Method) == sizeof(Representation));
  Representation representation{};
  std::memcpy(&representation, &method, sizeof representation);
  if ((representation.pointer & 1U) == 0 || representation.adjustment != 0) return std::nullopt;
  return representation.pointer - 1;
#else
  (void)method;
  return std::nullopt;
#endif
}

}  // namespace

const StateMethodOffsets& stateMethodOffsets() {
  static const StateMethodOffsets offsets{vtableOffset(&ApprovalState::currentEventVotes),
                                          vtableOffset(&ApprovalState::quorumVotes),
                                          vtableOffset(&ApprovalState::quorumRequired)};
  return offsets;
}

}  // namespace approval::jit
