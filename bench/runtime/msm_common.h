// Shared by the Boost.MSM baselines (msm_*.cpp, C++17): state and event templates for the
// generated machines, the guard functor, and a pool of back-end machines driven by event
// numbers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <boost/mpl/back_inserter.hpp>
#include <boost/mpl/copy.hpp>
#include <boost/mpl/vector/vector50.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include "baselines.h"

namespace approval::bench::runtime::msm_baseline {

namespace msm = boost::msm;
using msm::front::none;
using msm::front::Row;

template <int I>
struct S : msm::front::state<> {};
template <int K>
struct E {};

/// The guard `amount > T` of the guarded generated machines.
template <long long T>
struct AmountAbove {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(Event const&, Fsm& fsm, Source&, Target&) const {
    return fsm.amount > T;
  }
};

/// `count` machines of back end `Machine`; event number k is dispatched to
/// process_event(Events<k>) through a table of functions (what a switch over k compiles to).
template <class Machine, template <int> class Events, int EventCount>
class Pool {
 public:
  explicit Pool(std::size_t count) : machines_(count) { restart(1000); }

  void restart(std::int64_t amount) {
    for (auto& machine : machines_) {
      machine.amount = amount;
      machine.votes = 0;
      machine.start();
    }
  }

  int fire(std::size_t instance, int event) {
    return static_cast<int>(kDispatch[event](machines_[instance]));
  }

  [[nodiscard]] int activeState(std::size_t instance) const { return machines_[instance].current_state()[0]; }

 private:
  using Fire = msm::back::HandledEnum (*)(Machine&);
  template <int... K>
  static constexpr std::array<Fire, sizeof...(K)> table(std::integer_sequence<int, K...>) {
    return {[](Machine& m) { return m.process_event(Events<K>{}); }...};
  }
  static constexpr std::array<Fire, EventCount> kDispatch = table(std::make_integer_sequence<int, EventCount>{});

  std::vector<Machine> machines_;
};

/// MSM numbers states by their order in the transition table; this maps its ids to I of S<I>.
template <class Machine, int... I>
std::array<int, sizeof...(I)> genStateNumbers(std::integer_sequence<int, I...>) {
  std::array<int, sizeof...(I)> numbers{};
  ((numbers[msm::back::get_state_id<typename Machine::stt, S<I>>::value] = I), ...);
  return numbers;
}

}  // namespace approval::bench::runtime::msm_baseline
