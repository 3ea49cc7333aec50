// A one-byte lock for data held briefly (an in-memory instance slot): one atomic exchange to
// take it uncontended, where a std::mutex would take 40 bytes per instance. Waiters spin a
// little, then yield.
#pragma once

#include <atomic>
#include <thread>

namespace approval::runtime {

class SpinLock {
 public:
  void lock() noexcept {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      for (int spins = 0; locked_.load(std::memory_order_relaxed); ++spins) {
        if (spins > 64) std::this_thread::yield();
      }
    }
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace approval::runtime
