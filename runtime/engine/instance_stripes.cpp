#include "engine/instance_stripes.h"

#include <algorithm>
#include <functional>

#include "approval/store.h"

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
  return "instance `" + std::string(instanceId) +
         "` is applying an event on this thread: a host action cannot fire at or start its own instance";
}

bool InstanceStripes::holdsAnyHere() { return heldCount > 0; }

bool InstanceStripes::applyingHere(std::size_t stripe, std::string_view instanceId) const {
  return std::any_of(heldHere.begin(), heldHere.begin() + heldCount, [&](const HeldStripe& held) {
    return held.stripes == this && held.stripe == stripe && held.instanceId == instanceId;
  });
}

InstanceStripes::Hold::Hold(InstanceStripes& stripes, std::size_t stripe, std::string_view instanceId)
    : instanceId_(instanceId) {
  if (heldCount > 0) {
    ownInstance_ = stripes.applyingHere(stripe, instanceId);
    if (ownInstance_ || heldCount == kMaxNesting) return;
  }
  stripe_ = &stripes.stripes_[stripe];
  released_ = &stripes.released_[stripe];
  std::unique_lock lock(stripe_->mutex);
  released_->wait(lock, [&] {
    return std::find(stripe_->busy.begin(), stripe_->busy.end(), instanceId) == stripe_->busy.end();
  });
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
  stripe_->busy.push_back(instanceId_);
  locked_ = false;
  stripe_->mutex.unlock();
}

InstanceStripes::Hold::~Hold() {
  if (!held_) return;
  --heldCount;
  holds_->fetch_sub(1, std::memory_order_release);  // the holder's store calls are over
  if (locked_) {
    stripe_->mutex.unlock();
    return;
  }
  {
    std::lock_guard lock(stripe_->mutex);
    stripe_->busy.erase(std::find(stripe_->busy.begin(), stripe_->busy.end(), instanceId_));
  }
  released_->notify_all();
}

std::string InstanceStripes::Hold::refusal() const {
  if (held_) return {};
  if (ownInstance_) return applyingAlready(instanceId_);
  return "instance `" + std::string(instanceId_) + "`: host actions nest deeper than " + std::to_string(kMaxNesting) +
         " instances (each firing at the next)";
}

}  // namespace approval::runtime
