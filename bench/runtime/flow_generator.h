// Generated flows for the runtime benchmarks (docs/PERFORMANCE.md, "Runtime"), and the
// three forms each one is run in: DSL text for approval::runtime::Engine, a plain `switch`
// (the baseline) and a Boost.MSM transition table. All three are written from one GenSpec,
// so they are the same machine by construction; `runtime_bench --self-check` also checks it.
//
// A GenSpec machine has `states` states S0..S(n-1) (initial S0) and `events` events
// E0..E(m-1). State Si accepts `fanout` of them: E((i + j) % m) for j = 0..fanout-1, and
// event Ek moves Si to S((i + k + 1) % n). With fanout == events every state accepts every
// event (the full 50 x 50 machine: 2,500 transitions). Guarded machines declare
// `context { amount: int = 1000 }` and give each transition `if amount > T` with a threshold
// T in [0, 1000) that varies per transition, so with the default amount every guard holds
// and every accepted event is a real transition; a smaller amount makes some guards false
// (the event is then Stayed). Machines with `payload` declare every event with one field,
// `E0 { n: int }`, that every event must carry (nothing reads it: it is checked and typed
// only). There are no final states (the compiler warns W0404; warnings do not stop loading).
#pragma once

#include <cstdint>
#include <string>

namespace approval::bench::runtime {

struct GenSpec {
  int states = 50;
  int events = 50;
  int fanout = 50;
  bool guarded = false;
  bool payload = false;  // every event declares `{ n: int }` (DSL only: the baselines ignore it)

  [[nodiscard]] int transitions() const { return states * fanout; }
  /// The j-th event state `state` accepts (0 <= j < fanout).
  [[nodiscard]] int acceptedEvent(int state, int j) const { return (state + j) % events; }
  [[nodiscard]] bool accepts(int state, int event) const { return ((event - state) % events + events) % events < fanout; }
  [[nodiscard]] int target(int state, int event) const { return (state + event + 1) % states; }
  /// The guard `amount > threshold(state, event)` of a guarded machine.
  [[nodiscard]] std::int64_t threshold(int state, int event) const { return (state * 37 + event * 101) % 1000; }
  [[nodiscard]] std::string name() const;  // "gen-50x50-f2[-guarded][-payload]"
};

/// The default amount of guarded machines: every guard holds.
constexpr std::int64_t kDefaultAmount = 1000;

/// DSL text of the machine (docs/LANGUAGE.md).
[[nodiscard]] std::string generateDsl(const GenSpec& spec);

/// C++ of a function `int NAME(SwitchInstance& m, int event)`: a nested `switch` over the state
/// and the event, with the guard inline. Returns 1 (transitioned), 2 (stayed: guard false)
/// or 0 (no transition).
[[nodiscard]] std::string generateSwitch(const GenSpec& spec, const std::string& function);

/// C++ of the Boost.MSM front-end's `transition_table` typedef (and the chunk typedefs it is
/// built from: Boost.MPL vectors hold at most 50 rows). Uses the templates S<I>, E<K>,
/// AmountAbove<T> and msm::front::Row / none, declared by the including file.
[[nodiscard]] std::string generateMsmTable(const GenSpec& spec, const std::string& prefix);

}  // namespace approval::bench::runtime
