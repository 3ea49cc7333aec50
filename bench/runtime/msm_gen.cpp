// The generated 50-state / 50-event machine with fanout 2, with
// Boost.MSM. The table is msm_gen_small.inc, written at build time by runtime_bench_codegen from
// flow_generator.cpp. (The full 50 x 50 table, 2,500 rows, does not compile in reasonable time
// and memory with Boost.MSM: docs/PERFORMANCE.md, "Runtime".)
#include "msm_common.h"

namespace approval::bench::runtime {

namespace msm_baseline {
namespace {

struct GenFront : msm::front::state_machine_def<GenFront> {
  std::int64_t amount = 1000;
  std::int32_t votes = 0;
  typedef S<0> initial_state;
#include "msm_gen_small.inc"
  template <class Fsm, class Event>
  void no_transition(Event const&, Fsm&, int) {}
};

using GenMachine = msm::back::state_machine<GenFront>;

}  // namespace
}  // namespace msm_baseline

struct MsmGenPool : msm_baseline::Pool<msm_baseline::GenMachine, msm_baseline::E, kGenEvents> {
  using Pool::Pool;
};

MsmGenPool* makeMsmGenPool(std::size_t count) { return new MsmGenPool(count); }
void destroy(MsmGenPool* pool) { delete pool; }
void restart(MsmGenPool* pool, std::int64_t amount) { pool->restart(amount); }
int fire(MsmGenPool* pool, std::size_t instance, int event) { return pool->fire(instance, event); }
int state(const MsmGenPool* pool, std::size_t instance) {
  static const auto numbers = msm_baseline::genStateNumbers<msm_baseline::GenMachine>(
      std::make_integer_sequence<int, kGenStates>{});
  return numbers[pool->activeState(instance)];
}

}  // namespace approval::bench::runtime
