#include "engine/instance_stripes.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace approval::runtime {

namespace {

/// The holds of this thread, innermost last. The instance ids are the callers' (they outlive
/// the holds, which are scoped to the calls that take them).
struct HeldStripe {
  const InstanceStripes* stripes;
  std::size_t stripe;
  std::string_view instanceId;
};
thread_local std::vector<HeldStripe> heldHere;

}  // namespace

std::size_t InstanceStripes::indexOf(std::string_view instanceId) {
  return std::hash<std::string_view>()(instanceId) % kCount;
}

bool InstanceStripes::applyingHere(std::size_t stripe, std::string_view instanceId) const {
  return std::any_of(heldHere.begin(), heldHere.end(), [&](const HeldStripe& held) {
    return held.stripes == this && held.stripe == stripe && held.instanceId == instanceId;
  });
}

InstanceStripes::Hold::Hold(InstanceStripes& stripes, std::size_t stripe, std::string_view instanceId) {
  if (stripes.applyingHere(stripe, instanceId)) return;
  const bool mine = std::any_of(heldHere.begin(), heldHere.end(), [&](const HeldStripe& held) {
    return held.stripes == &stripes && held.stripe == stripe;
  });
  if (!mine) {
    locked_ = &stripes.mutexes_[stripe];
    locked_->lock();
  }
  heldHere.push_back({&stripes, stripe, instanceId});
  held_ = true;
}

InstanceStripes::Hold::~Hold() {
  if (!held_) return;
  heldHere.pop_back();
  if (locked_ != nullptr) locked_->unlock();
}

}  // namespace approval::runtime
