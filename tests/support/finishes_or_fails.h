// A watchdog for tests of code that could deadlock: a stuck scenario fails the program
// instead of hanging it.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <thread>

namespace approval::test {

/// Runs `scenario` on a thread of its own. One still running after two minutes is stuck: the
/// program says so and ends, since its threads can never be joined.
inline void finishesOrFails(const char* what, const std::function<void()>& scenario) {
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  std::thread runner([&] {
    scenario();
    done.set_value();
  });
  if (finished.wait_for(std::chrono::minutes(2)) != std::future_status::ready) {
    std::fprintf(stderr, "deadlock: %s did not finish\n", what);
    std::_Exit(1);
  }
  runner.join();
}

}  // namespace approval::test
