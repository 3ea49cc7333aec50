#include "engine/instance_stripes.h"

#include <algorithm>
#include <functional>

#include "approval/store.h"
#include "approval/utf8.h"
#include "engine/host_action_waits.h"

namespace approval::runtime {

namespace {

/// The holds of this thread, innermost last. The instance ids are the callers' (they outlive
/// the holds, which are scoped to the calls that take them). Plain data, so that reaching it
/// costs no thread-local initialisation check on every event.
struct HeldStripe {
  const InstanceStripes* stripes;
  std::size_t stripe;
  std::string_view instanceId;
};
thread_local std::array<HeldStripe, InstanceStripes::kMaxNesting> heldHere;
thread_local std::size_t heldCount = 0;

}  // namespace

std::size_t InstanceStripes::indexOf(std::string_view instanceId) {
  return indexOfHash(instanceIdHash(instanceId));
}

std::string InstanceStripes::applyingAlready(std::string_view instanceId) {
  return "instance `" + excerptForMessage(instanceId) +
         "` is applying an event on this thread: a host action cannot fire at or start its own instance";
}

bool InstanceStripes::holdsAnyHere() { return heldCount > 0; }

bool InstanceStripes::applyingHere(std::size_t stripe, std::string_view instanceId) const {
  return std::any_of(heldHere.begin(), heldHere.begin() + heldCount, [&](const HeldStripe& held) {
    return held.stripes == this && held.stripe == stripe && held.instanceId == instanceId;
  });
}

std::optional<std::thread::id> InstanceStripes::ownerOf(std::string_view instanceId) {
  Stripe& stripe = stripes_[indexOf(instanceId)];
  std::lock_guard lock(stripe.mutex);
  auto found = std::find(stripe.busy.begin(), stripe.busy.end(), instanceId);
  if (found == stripe.busy.end()) return std::nullopt;
  return found->owner;
}

InstanceStripes::Hold::Hold(InstanceStripes& stripes, std::size_t stripe, std::string_view instanceId)
    : instanceId_(instanceId) {
  const bool holdingOthers = heldCount > 0;  // this thread is running host actions
  if (holdingOthers) {
    ownInstance_ = stripes.applyingHere(stripe, instanceId);
    if (ownInstance_ || heldCount == kMaxNesting) return;
  }
  stripe_ = &stripes.stripes_[stripe];
  released_ = &stripes.released_[stripe];
  const auto isFree = [&] {
    return std::find(stripe_->busy.begin(), stripe_->busy.end(), instanceId) == stripe_->busy.end();
  };
  std::unique_lock lock(stripe_->mutex);
  if (holdingOthers && !isFree()) {
    // About to wait while holding instances, which may close a cycle through any engine. The
    // graph's mutex comes before a stripe's, so the stripe is unlocked to ask it.
    lock.unlock();
    cycle_ = HostActionWaits::wouldCloseCycle(stripes, instanceId);
    if (cycle_) return;
    // In the graph until the stripe is unlocked: meanwhile the entry is stale (this thread
    // holds what it says it waits for), which only makes a walk go round without finding
    // the walker.
    waitedAsHolder_ = true;
    lock.lock();
  }
  released_->wait(lock, isFree);
  lock.release();  // the hold keeps the stripe locked until releaseStripe() or its end
  locked_ = true;
  // Counted before the holder touches the instance in the store: a step without a hold
  // then sees it (it reads the count under the instance's store lock).
  holds_ = &stripes.holds_[stripe];
  holds_->fetch_add(1, std::memory_order_seq_cst);
  heldHere[heldCount++] = {&stripes, stripe, instanceId};
  held_ = true;
}

void InstanceStripes::Hold::releaseStripe() {
  if (!held_ || !locked_) return;
  stripe_->busy.push_back({instanceId_, std::this_thread::get_id()});
  locked_ = false;
  stripe_->mutex.unlock();
  if (waitedAsHolder_) HostActionWaits::stopWaiting();
  waitedAsHolder_ = false;
}

InstanceStripes::Hold::~Hold() {
  if (!held_) return;
  --heldCount;
  holds_->fetch_sub(1, std::memory_order_release);  // the holder's store calls are over
  if (locked_) {
    stripe_->mutex.unlock();
    if (waitedAsHolder_) HostActionWaits::stopWaiting();
    return;
  }
  {
    std::lock_guard lock(stripe_->mutex);
    stripe_->busy.erase(std::find(stripe_->busy.begin(), stripe_->busy.end(), instanceId_));
  }
  released_->notify_all();
}

std::string InstanceStripes::Hold::refusal(std::string_view machine) const {
  if (held_) return {};
  if (ownInstance_) return applyingAlready(instanceId_);
  if (cycle_) {
    return "instance `" + excerptForMessage(instanceId_) + "`" +
           (machine.empty() ? std::string() : " of machine `" + std::string(machine) + "`") +
           " is held by a host action that waits, through other host actions, for an instance this one holds: "
           "waiting for it would deadlock both; fire it after this action returns (from a route sink, say)";
  }
  return "instance `" + excerptForMessage(instanceId_) + "`: host actions nest deeper than " + std::to_string(kMaxNesting) +
         " instances (each firing at the next)";
}

}  // namespace approval::runtime
