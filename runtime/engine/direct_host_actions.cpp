#include "engine/direct_host_actions.h"

#include "store/direct_entry.h"

namespace approval::runtime {

bool runDirectHostActions(const LoadedMachine& machine, const PreparedStep& pending, std::string_view instanceId,
                          const Event& event, TimestampValue time, const Bindings& bindings, FireAnswer& answer,
                          JournalEntry& failure, std::vector<SagaStep>& unfinished) {
  const DirectStep& step = pending.row->steps[static_cast<std::size_t>(pending.step)];
  const auto& actions = machine.ir.transitions[step.transition].actions;
  std::size_t hostIndex = 0;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const ir::Call& call = actions[i].call;
    if (call.kind != ir::Call::Kind::Host) continue;
    const ActionCall hostCall{call.name, pending.arguments[hostIndex], machine.ir.name, instanceId,
                              pending.tenantId, event, false};
    ActionResult result = callHostAction(bindings.action(call.name), hostCall);
    if (!result.error) {
      ++hostIndex;
      continue;
    }
    // The compensations of the actions that completed, newest first.
    const CompensationSite site{machine.ir.name, instanceId, pending.tenantId, event};
    for (std::size_t done = hostIndex; done-- > 0;) {
      const auto& compensation = pending.compensations[done];
      if (compensation) {
        bool failed = false;
        answer.compensations.push_back(runCompensation(bindings, *compensation, "compensation of ", site, &failed));
        if (failed) unfinished.insert(unfinished.begin(), *compensation);
      }
    }
    answer.kind = FireAnswer::Kind::Failed;
    answer.from = machine.ir.states[pending.from].name;
    answer.failedAction = call.name;
    answer.reason = std::move(*result.error);
    failure = directJournalEntry(*pending.row, pending.step, pending.votes, time, event.id, event.actor);
    failure.answer = "Failed";
    failure.detail = call.name + ": " + answer.reason;
    failure.actions.resize(i);  // the labels of the actions that ran, emits included, then the compensations
    failure.actions.insert(failure.actions.end(), answer.compensations.begin(), answer.compensations.end());
    failure.emitted.clear();
    return false;
  }
  return true;
}

}  // namespace approval::runtime
