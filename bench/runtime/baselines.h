// The baselines of the runtime benchmarks: the same machines as the engine runs, written as a
// plain `switch` (switch_baseline.cpp, with the generated gen_switch.inc) and with Boost.MSM
// (msm_*.cpp, compiled as C++17: Boost 1.74's MSM back end does not compile as C++20).
//
// Every `fire` here is one direct call into another translation unit, as Engine::fire is, and
// returns 1 (transitioned), 2 (stayed: a guard was false) or 0 (no transition for this event
// in this state). Boost.MSM's HandledEnum has the same values.
//
// This header is plain C++17 without Boost, so both sides can include it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace approval::bench::runtime {

/// The generated machines (flow_generator.h): 50 states, 50 events; the small-fanout machine,
/// the one Boost.MSM can compile, has each state accept 2 events (100 transitions).
constexpr int kGenStates = 50;
constexpr int kGenEvents = 50;
constexpr int kSmallFanout = 2;

/// The seed (examples/leave-approval.seed.dsl), states in declaration order.
enum SeedState : int { kDraft, kSubmitted, kReviewing, kApproved, kRejected, kCancelled, kSeedStates };
enum SeedEvent : int { kSubmit, kAssignReviewer, kApprove, kSeedEvents };
/// The seed's `hasQuorum()` with no `quorum:` and no `reviewers` field: one vote.
constexpr int kSeedQuorum = 1;

/// What the seed's actions do in every implementation: count (in switch_baseline.cpp, not
/// inlined). 0: validatePolicy, 1: notifyReviewers, 2: emit("onApproved").
void hostAction(int which);
std::uint64_t hostActionCount(int which);

/// One instance of a switch machine.
struct SwitchInstance {
  std::int64_t amount = 1000;  // the context field of the guarded machines
  std::int32_t state = 0;
  std::int32_t votes = 0;  // seed: distinct approvers in the REVIEWING visit (one per approve here)
};

int switchSeed(SwitchInstance& m, int event);
int switchGenSmall(SwitchInstance& m, int event);         // fanout 2, no guards
int switchGenSmallGuarded(SwitchInstance& m, int event);  // fanout 2, `if amount > T`
int switchGenFull(SwitchInstance& m, int event);          // fanout 50 (2,500 transitions)
int switchGenFullGuarded(SwitchInstance& m, int event);

/// GenSmall's switch with the work Engine::fire's contract adds to every event written by hand
/// as plainly as it can be (audited_switch.cpp): the instance's lock (one atomic exchange), the
/// Duplicate check of the event's id, and a history entry keeping the id, actor, time and
/// states, in storage grown by doubling. No implementation of that contract does less per
/// event, so its ratio to Boost.MSM is the floor under the engine's.
struct AuditedPool;
AuditedPool* makeAuditedPool(std::size_t count);
void destroy(AuditedPool* pool);
void restart(AuditedPool* pool);  // initial states, empty histories
/// switchGenSmall's answer (1 or 0), or 3: the id was applied already (a Duplicate: only the
/// history changes).
int fireAudited(AuditedPool* pool, std::size_t instance, int event, std::string_view id, std::string_view actor,
                std::int64_t time);
int state(const AuditedPool* pool, std::size_t instance);
std::size_t historySize(const AuditedPool* pool, std::size_t instance);

/// The same contract laid out as compactly as it allows (lean_switch.cpp): 16-byte entries in
/// chunks bump-allocated from an arena, ids beside them, actors interned. An estimate of how
/// low any implementation of the contract could go; the functions answer as the audited ones.
struct LeanPool;
LeanPool* makeLeanPool(std::size_t count);
void destroy(LeanPool* pool);
void restart(LeanPool* pool);
int fireLean(LeanPool* pool, std::size_t instance, int event, std::string_view id, std::string_view actor,
             std::int64_t time);
int state(const LeanPool* pool, std::size_t instance);
std::size_t historySize(const LeanPool* pool, std::size_t instance);

/// Pools of Boost.MSM state machine objects (msm::back::state_machine over a front end with a
/// transition_table). `restart` puts every machine back in its initial state (start()) with
/// the given amount; `state` is the machine's state as this header numbers it.
struct MsmSeedPool;
struct MsmGenPool;         // fanout 2, no guards
struct MsmGenGuardedPool;  // fanout 2, guarded

MsmSeedPool* makeMsmSeedPool(std::size_t count);
void destroy(MsmSeedPool* pool);
void restart(MsmSeedPool* pool, std::int64_t amount);
int fire(MsmSeedPool* pool, std::size_t instance, int event);
int state(const MsmSeedPool* pool, std::size_t instance);

MsmGenPool* makeMsmGenPool(std::size_t count);
void destroy(MsmGenPool* pool);
void restart(MsmGenPool* pool, std::int64_t amount);
int fire(MsmGenPool* pool, std::size_t instance, int event);
int state(const MsmGenPool* pool, std::size_t instance);

MsmGenGuardedPool* makeMsmGenGuardedPool(std::size_t count);
void destroy(MsmGenGuardedPool* pool);
void restart(MsmGenGuardedPool* pool, std::int64_t amount);
int fire(MsmGenGuardedPool* pool, std::size_t instance, int event);
int state(const MsmGenGuardedPool* pool, std::size_t instance);

}  // namespace approval::bench::runtime
