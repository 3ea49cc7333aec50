// One route target: a bounded queue drained by a worker thread of its own, so a slow target
// never holds up `fire` (unless its policy is Block and its queue is full).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "approval/engine.h"

namespace approval::runtime {

class RouteQueue {
 public:
  RouteQueue(RouteSink sink, RouteOptions options);
  ~RouteQueue();  // delivers what is queued, then stops the worker
  RouteQueue(const RouteQueue&) = delete;
  RouteQueue& operator=(const RouteQueue&) = delete;

  enum class Pushed { Queued, Dropped, Refused };
  /// Queues `event`, or applies the policy when the queue is full.
  Pushed push(RoutedEvent event);
  [[nodiscard]] RouteCounters counters() const;
  /// Waits until the queue is empty and the worker idle.
  void drain();

 private:
  void work();
  /// While lingering: enough has gathered, or someone is waiting for the queue.
  [[nodiscard]] bool deliverNow() const;
  /// How many queued events end a linger (half the capacity).
  [[nodiscard]] std::size_t batchSize() const;

  RouteSink sink_;
  RouteOptions options_;
  mutable std::mutex mutex_;
  // Two conditions, so that a push wakes only the worker, and only when it sleeps: waking
  // it (a futex call) on every push cost most of a routed `fire`.
  std::condition_variable itemsReady_;  // the worker waits for events (or stopping)
  std::condition_variable roomOrIdle_;  // blocked producers and drain() wait here
  std::deque<RoutedEvent> queue_;
  RouteCounters counters_;
  bool delivering_ = false;
  bool workerSleeping_ = false;  // waiting for a first event (not lingering)
  int waiting_ = 0;              // producers blocked on a full queue, and drain() callers
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace approval::runtime
