// The votes of one state visit (InstanceRecord::votes): for each event, its distinct actors,
// sorted. Shared by the engine (which records and counts them) and the memory store (which
// does both in place for direct events).
#pragma once

#include <cstdint>
#include <string_view>

#include "approval/store.h"

namespace approval::runtime {

using Votes = decltype(InstanceRecord::votes);

/// Adds `actor` to the distinct voters of `event`.
void addVote(Votes& votes, std::string_view event, std::string_view actor);
/// The distinct voters of `event`, counting `pendingActor` too when it is given and not
/// among them (a vote about to be recorded).
[[nodiscard]] std::int64_t countVotes(const Votes& votes, std::string_view event, std::string_view pendingActor = {});

}  // namespace approval::runtime
