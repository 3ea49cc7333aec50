// One route target: a bounded queue drained by a worker thread of its own, so a slow target
// never holds up `fire` (unless its policy is Block and its queue is full). A Block queue
// whose sink is itself firing at the engine takes events past its capacity instead: waiting
// for room then could wait for the very sink that makes it. A replaced queue is closed: what
// it holds goes to its sink, what comes later to the target's new binding, whose queue
// delivers nothing before the old one has stopped (docs/RUNTIME.md, "Routes").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "approval/engine.h"
#include "routes/queue_stopped.h"

namespace approval::runtime {

class RouteQueue {
 public:
  RouteQueue(RouteSink sink, RouteOptions options);
  ~RouteQueue();  // closes the queue, and waits until the worker has delivered what it holds
  RouteQueue(const RouteQueue&) = delete;
  RouteQueue& operator=(const RouteQueue&) = delete;

  /// Closed: the queue was closed before `event` got in (a producer waiting for room too);
  /// the event is the caller's again, for the target's new binding.
  enum class Pushed { Queued, Dropped, Refused, Closed };
  /// Queues `event` (moved from only then), or applies the policy when the queue is full.
  Pushed push(RoutedEvent&& event);
  [[nodiscard]] RouteCounters counters() const;
  /// Waits until the events queued before the call have been handed to the sink. Events
  /// queued meanwhile do not make it wait longer, so a sink that keeps feeding its own queue
  /// cannot hold it for ever.
  void drain();
  /// Events queued so far, and whether every one of them has been handed to the sink.
  struct Activity {
    std::uint64_t queuedSoFar = 0;
    bool idle = true;
    bool operator==(const Activity&) const = default;
  };
  [[nodiscard]] Activity activity() const;
  /// Takes no more events: pushes answer Closed from now on. The worker delivers what is
  /// queued and stops; this does not wait for that, for a thread that must not (the worker
  /// itself, or one whose instance the sink may need).
  void close();
  /// After close(): waits until the worker has delivered everything and left, so the sink is
  /// not called any more.
  void waitUntilStopped();
  /// The worker has delivered everything and left: destroying the queue will not wait.
  [[nodiscard]] bool stopped() const;
  /// Set when the worker has delivered everything and left; it outlives the queue.
  [[nodiscard]] std::shared_ptr<const QueueStopped> stoppedSignal() const { return stoppedSignal_; }
  /// This queue replaces the one `predecessor` belongs to: it delivers nothing (and does not
  /// stop) before that one has stopped. Until then a Block producer does not wait for room:
  /// only this worker makes room, and it may be waiting for a sink that waits for the
  /// producer's instance. Call before the queue is published, so no event precedes it.
  void follow(std::shared_ptr<const QueueStopped> predecessor);

  /// The queue whose sink runs on this thread, if it is a worker delivering now.
  [[nodiscard]] static RouteQueue* deliveringOnThisThread();
  /// While its sink is in an engine call that may wait (SinkFiring), producers do not wait
  /// for room.
  void sinkFiringBegins();
  void sinkFiringEnds();

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
  bool workerSleeping_ = false;  // waiting for a first event (not lingering)
  int waiting_ = 0;              // producers blocked on a full queue, and drain() callers
  int sinkFiring_ = 0;           // the sink's calls into the engine under way (nested ones too)
  std::uint64_t queuedSoFar_ = 0;    // every event queued
  std::uint64_t finishedSoFar_ = 0;  // every event whose batch the sink has been handed
  bool closed_ = false;
  bool stopped_ = false;  // the worker left its loop
  const std::shared_ptr<QueueStopped> stoppedSignal_ = std::make_shared<QueueStopped>();
  std::shared_ptr<const QueueStopped> predecessor_;  // not stopped yet, as far as this worker knows
  std::thread worker_;  // last: it starts in the constructor and reads the members above
};

/// Marks, while it lives, that the sink delivering on this thread (if any) is in an engine
/// call that may wait for an instance (fire, start, runDueTimers: every call that takes a
/// stripe). The instance may be held by a producer that waits for room in the sink's own
/// queue, room only the sink's worker makes: so meanwhile the queue takes events past its
/// capacity. Nothing on a thread that is not delivering.
class SinkFiring {
 public:
  SinkFiring() : queue_(RouteQueue::deliveringOnThisThread()) {
    if (queue_ != nullptr) queue_->sinkFiringBegins();
  }
  ~SinkFiring() {
    if (queue_ != nullptr) queue_->sinkFiringEnds();
  }
  SinkFiring(const SinkFiring&) = delete;
  SinkFiring& operator=(const SinkFiring&) = delete;

 private:
  RouteQueue* queue_;
};

}  // namespace approval::runtime
