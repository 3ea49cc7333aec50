// The hot path into a compiled guard: a direct call of its native entry with the inputs in
// registers. Everything here is inline so that running a guard costs what the generated code
// costs plus two size checks; only failures leave the header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "approval/guard_slots.h"

namespace approval {
class ApprovalState;
class Value;
}  // namespace approval

namespace approval::jit {

/// Temporaries of one call that needed any (boxed values, lists being built); created by the
/// first runtime helper that needs one and freed when the call returns.
struct Scratch;

/// What one call leaves behind, on the caller's stack. Left uninitialised by GuardCall (no
/// store on the hot path): an entry whose status is an error has set `error`, and one whose
/// status carries the scratch flag (4) has set `scratch`.
struct JitOutcome {
  const Value* error;  // set by a failing helper, or by the entry on its error exit
  Scratch* scratch;    // created by the first helper that needs one; the caller frees it
};

/// What a compiled expression reads when it runs. Slots follow guard_slots.h.
struct GuardInput {
  std::span<const Slot> context;
  std::span<const Slot> event;            // empty: there is no event
  const ApprovalState* state = nullptr;   // null: votes, quorum and time functions are errors
};

/// The outcome of a guard; the values are the generated code's return statuses.
enum class GuardStatus : std::int32_t { False = 0, True = 1, Error = 2 };

/// One compiled guard, ready to call (from CompiledExpressions::guardCall). Valid while the
/// CompiledExpressions it came from lives. Callable from many threads at once.
class GuardCall {
 public:
  /// Generated entries take their inputs in registers: no frame is built for a guard that
  /// calls no runtime helper.
  using Entry = std::int32_t (*)(const Slot* context, const Slot* event, const ApprovalState* state,
                                 const Value* const* constants, JitOutcome* outcome);

  GuardCall(Entry entry, const Value* const* constants, std::size_t contextSlots, std::size_t eventSlots)
      : entry_(entry), constants_(constants), contextSlots_(contextSlots), eventSlots_(eventSlots) {}

  /// Runs the guard. On Error, `*error` (when given) receives the message.
  GuardStatus operator()(const GuardInput& input, std::string* error = nullptr) const {
    if (input.context.size() < contextSlots_ || (!input.event.empty() && input.event.size() < eventSlots_))
        [[unlikely]] {
      return mismatch(input, error);
    }
    JitOutcome outcome;  // NOLINT(cppcoreguidelines-pro-type-member-init): see JitOutcome
    const std::int32_t status =
        entry_(input.context.data(), input.event.empty() ? nullptr : input.event.data(), input.state, constants_,
               &outcome);
    if (status > 1) [[unlikely]] return finish(outcome, status, error);
    return static_cast<GuardStatus>(status);
  }

 private:
  /// The input's shape does not fit what the guard reads: an error saying how.
  GuardStatus mismatch(const GuardInput& input, std::string* error) const;
  /// Takes the error message out of the outcome and frees the scratch the status flags.
  static GuardStatus finish(JitOutcome& outcome, std::int32_t status, std::string* error);

  Entry entry_;
  const Value* const* constants_;
  std::size_t contextSlots_;
  std::size_t eventSlots_;
};

}  // namespace approval::jit
