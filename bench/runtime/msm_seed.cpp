// The seed (examples/leave-approval.seed.dsl) with Boost.MSM: the same three transitions,
// actions and the `hasQuorum()` guard (one vote) as switchSeed in switch_baseline.cpp.
#include "msm_common.h"

namespace approval::bench::runtime {

namespace msm_baseline {
namespace {

struct Submit {};
struct AssignReviewer {};
struct Approve {};

template <int Event>
using SeedEventType = std::conditional_t<Event == kSubmit, Submit, std::conditional_t<Event == kAssignReviewer, AssignReviewer, Approve>>;

struct Draft : msm::front::state<> {};
struct Submitted : msm::front::state<> {};
struct Reviewing : msm::front::state<> {};
struct Approved : msm::front::state<> {};

template <int Which>
struct HostAction {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(Event const&, Fsm& fsm, Source&, Target&) const {
    hostAction(Which);
    fsm.votes = 0;  // a new state visit
  }
};

struct HasQuorum {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(Event const&, Fsm& fsm, Source&, Target&) const {
    return ++fsm.votes >= kSeedQuorum;
  }
};

struct SeedFront : msm::front::state_machine_def<SeedFront> {
  std::int64_t amount = 0;
  std::int32_t votes = 0;
  typedef Draft initial_state;
  // clang-format off
  typedef boost::mpl::vector3<
      Row<Draft,     Submit,         Submitted, HostAction<0>, none>,       // validatePolicy()
      Row<Submitted, AssignReviewer, Reviewing, HostAction<1>, none>,       // notifyReviewers()
      Row<Reviewing, Approve,        Approved,  HostAction<2>, HasQuorum>>  // emit("onApproved")
      transition_table;
  // clang-format on
  template <class Fsm, class Event>
  void no_transition(Event const&, Fsm&, int) {}
};

using SeedMachine = msm::back::state_machine<SeedFront>;

int seedStateNumber(int msmId) {
  static const std::array<int, 4> numbers = [] {
    std::array<int, 4> n{};
    n[msm::back::get_state_id<SeedMachine::stt, Draft>::value] = kDraft;
    n[msm::back::get_state_id<SeedMachine::stt, Submitted>::value] = kSubmitted;
    n[msm::back::get_state_id<SeedMachine::stt, Reviewing>::value] = kReviewing;
    n[msm::back::get_state_id<SeedMachine::stt, Approved>::value] = kApproved;
    return n;
  }();
  return numbers[msmId];
}

}  // namespace
}  // namespace msm_baseline

struct MsmSeedPool : msm_baseline::Pool<msm_baseline::SeedMachine, msm_baseline::SeedEventType, kSeedEvents> {
  using Pool::Pool;
};

MsmSeedPool* makeMsmSeedPool(std::size_t count) { return new MsmSeedPool(count); }
void destroy(MsmSeedPool* pool) { delete pool; }
void restart(MsmSeedPool* pool, std::int64_t amount) { pool->restart(amount); }
int fire(MsmSeedPool* pool, std::size_t instance, int event) { return pool->fire(instance, event); }
int state(const MsmSeedPool* pool, std::size_t instance) {
  return msm_baseline::seedStateNumber(pool->activeState(instance));
}

}  // namespace approval::bench::runtime
