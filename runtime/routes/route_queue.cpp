#include "routes/route_queue.h"

namespace approval::runtime {

RouteQueue::RouteQueue(RouteSink sink, RouteOptions options)
    : sink_(std::move(sink)), options_(options), worker_([this] { work(); }) {
  if (options_.capacity == 0) options_.capacity = 1;
}

RouteQueue::~RouteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  itemsReady_.notify_all();
  roomOrIdle_.notify_all();
  worker_.join();
}

RouteQueue::Pushed RouteQueue::push(RoutedEvent event) {
  std::unique_lock lock(mutex_);
  if (queue_.size() >= options_.capacity) {
    if (options_.policy == QueuePolicy::DropAndCount) {
      ++counters_.dropped;
      return Pushed::Dropped;
    }
    if (options_.policy == QueuePolicy::Fail) {
      ++counters_.failed;
      return Pushed::Refused;
    }
    roomOrIdle_.wait(lock, [this] { return queue_.size() < options_.capacity || stopping_; });
  }
  queue_.push_back(std::move(event));
  counters_.queued = queue_.size();
  const bool wakeWorker = workerSleeping_;
  workerSleeping_ = false;  // one wake-up is enough until it sleeps again
  lock.unlock();
  if (wakeWorker) itemsReady_.notify_one();
  return Pushed::Queued;
}

RouteCounters RouteQueue::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void RouteQueue::drain() {
  std::unique_lock lock(mutex_);
  roomOrIdle_.wait(lock, [this] { return queue_.empty() && !delivering_; });
}

void RouteQueue::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    while (queue_.empty() && !stopping_) {
      workerSleeping_ = true;
      itemsReady_.wait(lock);
    }
    workerSleeping_ = false;
    if (queue_.empty()) return;  // stopping, everything delivered
    RoutedEvent event = std::move(queue_.front());
    queue_.pop_front();
    counters_.queued = queue_.size();
    delivering_ = true;
    lock.unlock();
    roomOrIdle_.notify_all();  // room for a blocked producer
    try {
      sink_(event);
    } catch (...) {  // a throwing sink loses this delivery, not the worker
    }
    lock.lock();
    delivering_ = false;
    ++counters_.delivered;
    if (queue_.empty()) roomOrIdle_.notify_all();  // drain() may be waiting
  }
}

}  // namespace approval::runtime
