// Which thread, holding instances while their host actions run, waits for which instance of
// which engine: the wait-for graph with which InstanceStripes refuses a wait that would close a
// cycle. There is one for the whole process, not one per engine, because host actions may fire
// at instances of other engines: engine A's action (holding A's X) firing at B's Y while B's
// action (holding B's Y) fires at A's X is a cycle that no engine's own view shows.
//
// A wait is keyed by its engine's InstanceStripes and the instance id, and is in the graph only
// while it is in progress (from the check until the waiter's stripe is unlocked), so an engine
// whose calls have returned has nothing in it: destroying the engine leaves no dangling entry.
// Only a hold that must wait (its instance is busy, and the thread holds others) comes here:
// holds that wait for nothing, short steps above all, never take the graph's mutex.
//
// Lock order, across all engines: the graph's mutex is taken before a stripe's, never after one.
#pragma once

#include <cstddef>
#include <string_view>

namespace approval::runtime {

class InstanceStripes;

class HostActionWaits {
 public:
  /// Whether this thread, holding instances, would close a cycle by waiting for `instanceId`
  /// of `stripes`: its owner waits for an instance (of any engine) whose owner waits ... for
  /// one this thread holds. When not, records that this thread waits for it, until
  /// stopWaiting(). Called with no stripe locked.
  [[nodiscard]] static bool wouldCloseCycle(InstanceStripes& stripes, std::string_view instanceId);
  /// Ends this thread's wait in the graph. Called with no stripe locked.
  static void stopWaiting();
  /// How many threads are in the graph now: none once no host action waits (tests check that
  /// nothing outlives its wait).
  [[nodiscard]] static std::size_t waitingNow();
};

}  // namespace approval::runtime
