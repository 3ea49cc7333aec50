#include "sema/shadowing.h"

#include <limits>
#include <optional>
#include <string>
#include <unordered_map>

namespace approval::sema {

namespace {

/// A timer whose transition, once due, certainly leaves its state: no guard that could be
/// false, and no action that could fail. A Failed timer is retried while the state stays, so
/// after a host action (or a `set`, whose value may fail to evaluate, or `compensate()`,
/// which runs host actions) a longer timer may still come due and fire.
bool alwaysLeaves(const ast::Transition& transition) {
  if (transition.guard) return false;
  for (const auto& action : transition.actions) {
    if (action.call.name.text != "emit") return false;
  }
  return true;
}

bool isValidTimer(const ast::Transition& transition) {
  return transition.trigger.kind == ast::Trigger::Kind::Timer && transition.trigger.delay.has_value();
}

struct ShortestTimer {
  std::int64_t milliseconds = std::numeric_limits<std::int64_t>::max();
  std::uint32_t transition = 0;
};

/// Per state, the shortest timer that always leaves it (the first declared among equals).
std::vector<std::optional<ShortestTimer>> shortestLeavingTimers(const ast::Machine& machine,
                                                                 const MachineSymbols& symbols) {
  std::vector<std::optional<ShortestTimer>> shortest(symbols.states.size());
  for (std::uint32_t index = 0; index < machine.transitions.size(); ++index) {
    const ast::Transition& transition = machine.transitions[index];
    if (!isValidTimer(transition) || !alwaysLeaves(transition)) continue;
    const std::int64_t milliseconds = transition.trigger.delay->milliseconds;
    for (const std::uint32_t state : symbols.sourcesOf(transition)) {
      auto& current = shortest[state];
      if (!current || milliseconds < current->milliseconds) current = ShortestTimer{milliseconds, index};
    }
  }
  return shortest;
}

void findLongerTimers(const ast::Machine& machine, const MachineSymbols& symbols, std::vector<Shadowing>& found) {
  const auto shortest = shortestLeavingTimers(machine, symbols);
  for (std::uint32_t index = 0; index < machine.transitions.size(); ++index) {
    const ast::Transition& transition = machine.transitions[index];
    if (!isValidTimer(transition)) continue;
    for (const std::uint32_t state : symbols.sourcesOf(transition)) {
      const auto& winner = shortest[state];
      if (winner && winner->milliseconds < transition.trigger.delay->milliseconds) {
        found.push_back({index, winner->transition, state, Shadowing::Reason::ShorterTimer});
      }
    }
  }
}

/// Walks transitions in declaration order per (state, trigger); remembers the first
/// unguarded one, after which nothing for that key can fire.
void findSameTrigger(const ast::Machine& machine, const MachineSymbols& symbols, std::vector<Shadowing>& found) {
  std::unordered_set<std::uint64_t> deadByTimer = deadEdges(found);
  std::unordered_map<std::string, std::uint32_t> triggerIds;
  std::unordered_map<std::uint64_t, std::uint32_t> firstUnguarded;  // (state, trigger) → declaration
  for (std::uint32_t index = 0; index < machine.transitions.size(); ++index) {
    const ast::Transition& transition = machine.transitions[index];
    // A timer whose length failed to decode has no trigger to compare (E0109 is reported).
    if (transition.trigger.kind == ast::Trigger::Kind::Timer && !transition.trigger.delay) continue;
    const auto trigger = triggerIds.emplace(triggerKey(transition.trigger), triggerIds.size()).first->second;
    for (const std::uint32_t state : symbols.sourcesOf(transition)) {
      const std::uint64_t key = (static_cast<std::uint64_t>(state) << 32) | trigger;
      const auto earlier = firstUnguarded.find(key);
      if (earlier == firstUnguarded.end()) {
        if (!transition.guard) firstUnguarded.emplace(key, index);
        continue;
      }
      if (earlier->second == index) continue;
      // Already reported as dead behind a shorter timer; two unguarded ones stay an error.
      if (transition.guard && deadByTimer.contains(edgeKey(index, state))) continue;
      found.push_back({index, earlier->second, state, Shadowing::Reason::SameTrigger});
    }
  }
}

}  // namespace

std::uint64_t edgeKey(std::uint32_t transition, std::uint32_t state) {
  return (static_cast<std::uint64_t>(transition) << 32) | state;
}

std::unordered_set<std::uint64_t> deadEdges(const std::vector<Shadowing>& shadowings) {
  std::unordered_set<std::uint64_t> edges;
  for (const auto& shadowing : shadowings) edges.insert(edgeKey(shadowing.shadowed, shadowing.state));
  return edges;
}

std::vector<Shadowing> findShadowing(const ast::Machine& machine, const MachineSymbols& symbols) {
  std::vector<Shadowing> found;
  findLongerTimers(machine, symbols, found);
  findSameTrigger(machine, symbols, found);
  return found;
}

}  // namespace approval::sema
