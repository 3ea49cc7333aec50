// The history entry of a direct row's decision, exactly as the general path writes it for
// the same event: the memory store expands its packed entries with it, and the engine starts
// from it for a direct step whose host action failed.
#pragma once

#include <cstdint>
#include <string_view>

#include "approval/store.h"

namespace approval::runtime {

/// `step` -1: the event stayed (every guard was false). `votes`: the event's votes, its own
/// counted.
[[nodiscard]] JournalEntry directJournalEntry(const DirectRow& row, int step, std::int64_t votes, TimestampValue time,
                                              std::string_view eventId, std::string_view actor);

}  // namespace approval::runtime
