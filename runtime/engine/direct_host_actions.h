// A direct step's host actions, which the engine runs between the step's two plans: the
// store holds no lock meanwhile (a host action may read the instance through the engine),
// and the engine's per-instance stripe keeps other events for the instance out. What the
// actions are told, and how a failure is answered and recorded, are the general path's
// (transition_runner.cpp).
#pragma once

#include <string_view>

#include "approval/engine.h"
#include "approval/store.h"
#include "engine/direct_planner.h"
#include "engine/loaded_machine.h"
#include "engine/transition_runner.h"

namespace approval::runtime {

/// Runs the host actions of `pending` (a prepared step) in order until one fails. True when
/// all succeeded; otherwise the compensations of those that completed ran, newest first,
/// `answer` is the Failed answer, `failure` the history entry to record (the event is not
/// applied: it may be sent again) and `unfinished` the compensations that failed, which the
/// saga keeps.
[[nodiscard]] bool runDirectHostActions(const LoadedMachine& machine, const PreparedStep& pending,
                                        std::string_view instanceId, const Event& event, TimestampValue time,
                                        const Bindings& bindings, FireAnswer& answer, JournalEntry& failure,
                                        std::vector<SagaStep>& unfinished);

}  // namespace approval::runtime
