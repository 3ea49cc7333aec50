#include "engine/host_action_waits.h"

#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "engine/instance_stripes.h"

namespace approval::runtime {

namespace {

struct WaitedInstance {
  InstanceStripes* stripes;  // its engine's: alive, since the waiter is inside a call to that engine
  std::string instanceId;
};

struct WaitGraph {
  std::mutex mutex;
  std::unordered_map<std::thread::id, WaitedInstance> waitingFor;
};

/// Never destroyed: a thread may still be waiting while static objects are destroyed at exit.
WaitGraph& graph() {
  static WaitGraph* const theGraph = new WaitGraph;
  return *theGraph;
}

}  // namespace

bool HostActionWaits::wouldCloseCycle(InstanceStripes& stripes, std::string_view instanceId) {
  const std::thread::id self = std::this_thread::get_id();
  WaitGraph& waits = graph();
  std::lock_guard lock(waits.mutex);
  InstanceStripes* nextStripes = &stripes;
  std::string_view next = instanceId;  // the graph's entries stay put while its mutex is held
  // Each thread waits for one instance and each instance has one owner: the walk either
  // comes back to this thread, ends, or goes round a loop without it (a waiter whose entry
  // is stale for a moment), which the step bound cuts.
  for (std::size_t steps = 0; steps <= waits.waitingFor.size(); ++steps) {
    const auto owner = nextStripes->ownerOf(next);
    if (!owner) break;
    if (*owner == self) return true;
    const auto waiting = waits.waitingFor.find(*owner);
    if (waiting == waits.waitingFor.end()) break;
    nextStripes = waiting->second.stripes;
    next = waiting->second.instanceId;
  }
  waits.waitingFor[self] = {&stripes, std::string(instanceId)};
  return false;
}

void HostActionWaits::stopWaiting() {
  WaitGraph& waits = graph();
  std::lock_guard lock(waits.mutex);
  waits.waitingFor.erase(std::this_thread::get_id());
}

std::size_t HostActionWaits::waitingNow() {
  WaitGraph& waits = graph();
  std::lock_guard lock(waits.mutex);
  return waits.waitingFor.size();
}

}  // namespace approval::runtime
