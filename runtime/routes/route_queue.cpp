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
  changed_.notify_all();
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
    changed_.wait(lock, [this] { return queue_.size() < options_.capacity || stopping_; });
  }
  queue_.push_back(std::move(event));
  counters_.queued = queue_.size();
  changed_.notify_all();
  return Pushed::Queued;
}

RouteCounters RouteQueue::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void RouteQueue::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !delivering_; });
}

void RouteQueue::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, everything delivered
    RoutedEvent event = std::move(queue_.front());
    queue_.pop_front();
    counters_.queued = queue_.size();
    delivering_ = true;
    changed_.notify_all();  // room for a blocked producer
    lock.unlock();
    try {
      sink_(event);
    } catch (...) {  // a throwing sink loses this delivery, not the worker
    }
    lock.lock();
    delivering_ = false;
    ++counters_.delivered;
    changed_.notify_all();
  }
}

}  // namespace approval::runtime
