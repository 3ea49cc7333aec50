// The moment a route queue's worker has delivered everything and left. A target's next queue
// delivers nothing before it (docs/RUNTIME.md, "Routes"): the queues' workers run apart, and
// without it one instance's events could reach a rebound target out of the order they applied.
#pragma once

#include <condition_variable>
#include <mutex>

namespace approval::runtime {

class QueueStopped {
 public:
  void set() {
    {
      std::lock_guard lock(mutex_);
      set_ = true;
    }
    changed_.notify_all();
  }
  void wait() const {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return set_; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool set_ = false;
};

}  // namespace approval::runtime
