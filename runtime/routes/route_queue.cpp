#include "routes/route_queue.h"

#include <algorithm>

namespace approval::runtime {

namespace {
thread_local RouteQueue* deliveringQueue = nullptr;  // set by a worker around its sink's calls
}  // namespace

RouteQueue* RouteQueue::deliveringOnThisThread() { return deliveringQueue; }

void RouteQueue::sinkFiringBegins() {
  {
    std::lock_guard lock(mutex_);
    ++sinkFiring_;
  }
  roomOrIdle_.notify_all();  // blocked producers stop waiting
}

void RouteQueue::sinkFiringEnds() {
  std::lock_guard lock(mutex_);
  --sinkFiring_;
}

namespace {
/// A capacity of 0 holds one event. Settled before the worker starts: it reads the options.
RouteOptions withRoom(RouteOptions options) {
  if (options.capacity == 0) options.capacity = 1;
  return options;
}
}  // namespace

RouteQueue::RouteQueue(RouteSink sink, RouteOptions options)
    : sink_(std::move(sink)), options_(withRoom(options)), worker_([this] { work(); }) {}

RouteQueue::~RouteQueue() {
  close();
  worker_.join();
}

void RouteQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  itemsReady_.notify_all();
  roomOrIdle_.notify_all();  // producers waiting for room take their events elsewhere
}

void RouteQueue::waitUntilStopped() {
  std::unique_lock lock(mutex_);
  roomOrIdle_.wait(lock, [this] { return stopped_; });
}

void RouteQueue::follow(std::shared_ptr<const QueueStopped> predecessor) {
  std::lock_guard lock(mutex_);
  predecessor_ = std::move(predecessor);
}

bool RouteQueue::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

RouteQueue::Pushed RouteQueue::push(RoutedEvent&& event) {
  std::unique_lock lock(mutex_);
  if (closed_) return Pushed::Closed;
  if (queue_.size() >= options_.capacity) {
    if (options_.policy == QueuePolicy::DropAndCount) {
      ++counters_.dropped;
      return Pushed::Dropped;
    }
    if (options_.policy == QueuePolicy::Fail) {
      ++counters_.failed;
      return Pushed::Refused;
    }
  }
  // Block: while the sink fires at the engine, or the previous binding still delivers, the
  // event goes past the capacity instead.
  if (queue_.size() >= options_.capacity && sinkFiring_ == 0 && predecessor_ == nullptr) {
    ++waiting_;
    lock.unlock();
    itemsReady_.notify_one();  // a lingering worker delivers at once
    lock.lock();
    roomOrIdle_.wait(lock, [this] { return queue_.size() < options_.capacity || closed_ || sinkFiring_ > 0; });
    --waiting_;
    // Replaced while this producer waited: the event was never queued, so it is a later one,
    // for the new binding. Queued here, the old sink could be called after bindRoute returned.
    if (closed_) return Pushed::Closed;
  }
  queue_.push_back(std::move(event));
  ++queuedSoFar_;
  counters_.queued = queue_.size();
  // A sleeping worker needs this event; a lingering one only a full enough batch.
  const bool wakeWorker = workerSleeping_ || queue_.size() == batchSize();
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
  const std::uint64_t target = queuedSoFar_;
  if (finishedSoFar_ == target) return;
  ++waiting_;
  lock.unlock();
  itemsReady_.notify_one();  // no lingering while someone drains
  lock.lock();
  roomOrIdle_.wait(lock, [this, target] { return finishedSoFar_ >= target; });
  --waiting_;
}

RouteQueue::Activity RouteQueue::activity() const {
  std::lock_guard lock(mutex_);
  return {queuedSoFar_, finishedSoFar_ == queuedSoFar_};
}

std::size_t RouteQueue::batchSize() const { return std::max<std::size_t>(1, options_.capacity / 2); }

bool RouteQueue::deliverNow() const { return closed_ || waiting_ > 0 || queue_.size() >= batchSize(); }

void RouteQueue::work() {
  std::unique_lock lock(mutex_);
  std::deque<RoutedEvent> batch;
  for (;;) {
    while (queue_.empty() && !closed_) {
      workerSleeping_ = true;
      itemsReady_.wait(lock);
    }
    workerSleeping_ = false;
    if (predecessor_ != nullptr) {  // the target's previous queue delivers (and stops) first
      const auto predecessor = predecessor_;
      lock.unlock();
      predecessor->wait();
      lock.lock();
      predecessor_.reset();
    }
    // Linger: events that arrive meanwhile join this batch without waking the worker, so a
    // stream of events costs one wake-up per batch rather than one per event.
    if (options_.linger.count() > 0 && !deliverNow()) {
      itemsReady_.wait_for(lock, options_.linger, [this] { return deliverNow(); });
    }
    if (queue_.empty()) {  // closed, everything delivered
      stoppedSignal_->set();  // the target's next queue may deliver now
      stopped_ = true;
      roomOrIdle_.notify_all();  // waitUntilStopped()
      return;
    }
    batch.swap(queue_);
    counters_.queued = 0;
    lock.unlock();
    roomOrIdle_.notify_all();  // room for blocked producers
    deliveringQueue = this;
    std::uint64_t thrown = 0;
    for (const RoutedEvent& event : batch) {
      try {
        sink_(event);
      } catch (...) {  // a throwing sink loses this delivery, not the worker: counted as failed
        ++thrown;
      }
    }
    deliveringQueue = nullptr;
    lock.lock();
    counters_.delivered += batch.size() - thrown;
    counters_.failed += thrown;
    finishedSoFar_ += batch.size();
    batch.clear();
    if (waiting_ > 0) roomOrIdle_.notify_all();  // drain() may be waiting for this batch
  }
}

}  // namespace approval::runtime
