// The engine's general path: load the instance, apply the event (transition_runner), commit
// it optimistically, and take back the host actions of a step whose commit was lost.
#include "engine/engine_impl.h"

namespace approval::runtime {

FireAnswer Engine::Impl::duplicate(const LoadedMachine& machine, std::uint32_t state, std::string_view instanceId,
                                   const Event& event, TimestampValue time) {
  FireAnswer answer;
  answer.kind = FireAnswer::Kind::Duplicate;
  answer.from = machine.ir.states.at(state).name;
  answer.reason = duplicateReason(event.id);
  recordUnchanged(instanceId, duplicateEntry(event.id, event.name, event.actor, time), answer);
  return answer;
}

void Engine::Impl::recordUnchanged(std::string_view instanceId, const JournalEntry& entry, FireAnswer& answer) {
  auto recorded = thrownAsError("record", [&] { return store->record(instanceId, entry); });
  if (!recorded) answer.reason += " (not recorded in the history: store: " + recorded.error().message + ")";
}

std::optional<std::string> Engine::Impl::changeSaga(std::string_view instanceId,
                                                   const std::function<void(std::vector<SagaStep>&)>& change,
                                                   const JournalEntry* unapplied) {
  for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
    auto loaded = thrownAsError("load", [&] { return store->load(instanceId); });
    if (!loaded) return "store: " + loaded.error().message;
    if (!loaded.value()) return "the instance is gone";
    Commit commit;  // the record as it is, its saga changed: no applied event, no timers
    commit.instance = std::move(*loaded.value());
    change(commit.instance.saga);
    if (unapplied != nullptr) {
      commit.journal = *unapplied;
      commit.journalApplies = false;
    }
    auto status = commitToStore(std::move(commit));
    if (!status) return "store: " + status.error().message;
    if (status.value() == CommitStatus::Committed) return std::nullopt;
  }
  return "the instance kept changing";
}

std::optional<std::string> Engine::Impl::keepInSaga(std::string_view instanceId, const std::vector<SagaStep>& steps,
                                                   const JournalEntry* unapplied) {
  return changeSaga(
      instanceId, [&](std::vector<SagaStep>& saga) { saga.insert(saga.end(), steps.begin(), steps.end()); }, unapplied);
}

/// Takes the first step equal to each of `steps` out of `saga`.
static void removeSteps(std::vector<SagaStep>& saga, const std::vector<SagaStep>& steps) {
  for (const SagaStep& done : steps) {
    if (auto found = std::find(saga.begin(), saga.end(), done); found != saga.end()) saga.erase(found);
  }
}

std::optional<std::string> Engine::Impl::dropFromSaga(std::string_view instanceId, const std::vector<SagaStep>& steps) {
  return changeSaga(instanceId, [&](std::vector<SagaStep>& saga) { removeSteps(saga, steps); });
}

FireAnswer Engine::Impl::withSagaSettled(std::string_view instanceId, const std::vector<SagaStep>& ran, FireAnswer answer) {
  if (ran.empty()) return answer;
  if (auto problem = dropFromSaga(instanceId, ran)) {
    answer.reason += " (compensations that ran are still in the saga, and a later compensate() runs them again: " +
                     *problem + ")";
  }
  return answer;
}

FireAnswer Engine::Impl::fireGeneral(std::string_view instanceId, const Event& event, TimestampValue time) {
  // Refused before the instance's overdue timers are caught up: the refusal does not
  // depend on the instance, so an event that never reaches it must not fire its timers.
  if (auto refusal = eventRefusal(event)) return rejected(std::move(*refusal));
  if (stripes.applyingHere(InstanceStripes::indexOf(instanceId), instanceId)) {
    return rejected(InstanceStripes::applyingAlready(instanceId));
  }
  fireOverdueTimers(instanceId, time);
  return apply(instanceId, event, time, std::nullopt).value_or(rejected("timer of an earlier visit"));
}

void Engine::Impl::fireGeneralAfter(std::string_view instanceId, const Event& event, TimestampValue time, FireAnswer& answer) {
  // The direct attempt's answer holds only what its TakenBack put there, if anything.
  std::vector<std::string> takenBack = std::move(answer.compensations);
  std::string notKeptNote = std::move(answer.reason);
  answer = fireGeneral(instanceId, event, time);
  answer.compensations.insert(answer.compensations.begin(), takenBack.begin(), takenBack.end());
  answer.reason += notKeptNote;
}

std::optional<FireAnswer> Engine::Impl::apply(std::string_view instanceId, const Event& event, TimestampValue time,
                                              std::optional<TimerRecord> timer) {
  TakenBack takenBack;  // compensations run for attempts whose commit was lost
  auto answer = applyAttempts(instanceId, event, time, timer, takenBack);
  if (timer && !takenBack.notKept.empty()) {
    // An undo lost is told where timer failures are watched (a timer whose visit ended
    // meanwhile has no answer to say it in).
    reportTimerError(TimerError::Source::Store, instanceId,
                     "store: compensations that failed taking back a timer's lost step are not kept in the saga: " +
                         takenBack.notKept);
  }
  if (answer) std::move(takenBack).addTo(*answer);
  return answer;
}

std::optional<std::string> Engine::Impl::storedRecordProblem(std::string_view instanceId, const LoadedMachine& machine,
                                                             const InstanceRecord& record) {
  if (record.instanceId != instanceId) {
    return "store: asked for instance `" + excerptForMessage(instanceId) + "`, it returned `" +
           excerptForMessage(record.instanceId) + "`";
  }
  if (auto problem = recordProblem(machine, record)) {
    return "store: the record of instance `" + excerptForMessage(instanceId) + "` does not fit its machine `" +
           machine.ir.name + "`: " + *problem;
  }
  return std::nullopt;
}

Result<CommitStatus> Engine::Impl::commitToStore(Commit&& commit) {
  return thrownAsError("commit", [&] { return store->commit(std::move(commit)); });
}

void Engine::Impl::takeBack(const LoadedMachine& machine, std::string_view instanceId, std::string_view tenantId,
                            const Event& event, const std::vector<SagaStep>& undo, TakenBack& takenBack,
                            LostAttempt lost) {
  // What the lost attempt's compensate() or failed transition ran happened: listed first.
  const std::size_t base = takenBack.compensations.size();
  takenBack.compensations.insert(takenBack.compensations.end(), std::make_move_iterator(lost.compensations.begin()),
                                 std::make_move_iterator(lost.compensations.end()));
  std::vector<SagaStep> owed;              // failed, and in no stored saga: in saga order
  std::vector<std::size_t> owedLabels;     // where takenBack lists them
  std::vector<std::size_t> storedLabels;   // failed, and still in the stored saga (the commit was lost)
  for (const FailedUndo& failed : lost.failed) {
    if (failed.stored) {
      storedLabels.push_back(base + failed.label);
    } else {
      owed.push_back(failed.step);
      owedLabels.push_back(base + failed.label);
    }
  }
  const CompensationSite site{machine.ir.name, instanceId, tenantId, event};
  std::vector<SagaStep> failedUndo;        // in saga order, oldest first
  for (auto step = undo.rbegin(); step != undo.rend(); ++step) {
    bool stepFailed = false;
    takenBack.compensations.push_back(runCompensation(bindings(), *step, "commit lost, compensation of ", site, &stepFailed));
    if (stepFailed) {
      failedUndo.insert(failedUndo.begin(), *step);
      owedLabels.push_back(takenBack.compensations.size() - 1);
    }
  }
  owed.insert(owed.end(), failedUndo.begin(), failedUndo.end());
  const auto addNote = [&](std::size_t index, const std::string& note) {
    std::string& label = takenBack.compensations[index];  // "... (failed: why)"
    label.insert(label.size() - 1, note);
  };
  for (const std::size_t index : storedLabels) addNote(index, "; kept in the saga");
  if (owed.empty()) return;
  // Their undo is still owed although the step is not applied: dropped, nothing would ever
  // retry it. A store that cannot keep them either (it is what lost the commit) is said.
  const std::optional<std::string> problem = keepInSaga(instanceId, owed);
  const std::string note = problem ? "; not kept in the saga: " + *problem : "; kept in the saga";
  for (const std::size_t index : owedLabels) addNote(index, note);
  if (problem && takenBack.notKept.empty()) takenBack.notKept = *problem;
}

std::string Engine::Impl::machineNameOf(std::string_view instanceId) {
  // Read while another thread holds the instance, as instance() may be: the store serialises.
  auto loaded = thrownAsError("load", [&] { return store->load(instanceId); });
  if (!loaded || !loaded.value()) return {};
  const LoadedMachine* machine = machines.cached(loaded.value()->machineHash);
  return machine != nullptr ? machine->ir.name : std::string();
}

Result<bool> Engine::Impl::timerPending(const TimerRecord& timer) {
  auto due = thrownAsError("dueTimers", [&] { return store->dueTimers(timer.instanceId, timer.due); });
  if (!due) return due.error();
  return std::find(due.value().begin(), due.value().end(), timer) != due.value().end();
}

std::optional<FireAnswer> Engine::Impl::applyAttempts(std::string_view instanceId, const Event& event, TimestampValue time,
                                                      std::optional<TimerRecord> timer, TakenBack& takenBack) {
  // The stored saga's steps a `compensate()` of a lost attempt ran: the next attempt, which
  // loads the saga again, must not run them twice.
  std::vector<SagaStep> compensatedBefore;
  // A store that fails a timer's step is told to onTimerError too: the timer stays due, and
  // a host that only watches for errors would otherwise never learn why it does not fire.
  auto storeFailed = [&](std::string reason) {
    if (timer) reportTimerError(TimerError::Source::Store, instanceId, reason);
    return rejected(std::move(reason));
  };
  auto hold = stripes.hold(instanceId);
  if (!hold.held()) return rejected(hold.refusal(hold.closedCycle() ? machineNameOf(instanceId) : std::string()));
  hold.releaseStripe();  // the general path runs host actions and store calls that may take long
  for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
    auto loaded = thrownAsError("load", [&] { return store->load(instanceId); });
    if (!loaded) return storeFailed("store: " + loaded.error().message);
    if (!loaded.value()) return rejected("no instance `" + excerptForMessage(instanceId) + "`: start it first");
    InstanceRecord& record = *loaded.value();
    const LoadedMachine* machine = machines.cached(record.machineHash);
    if (!machine) {
      return rejected("instance `" + excerptForMessage(record.instanceId) + "` runs " +
                      excerptForMessage(record.machineHash) + ", which is not loaded");
    }
    if (auto problem = storedRecordProblem(instanceId, *machine, record)) return storeFailed(std::move(*problem));
    if (timer && timer->visit != record.visit) {
      // Its visit ended: the step that ended it replaced the instance's timers.
      consumeTimer(*timer, std::move(record));
      return std::nullopt;
    }
    if (timer) {
      // Another caller that read it due too (the timer thread, runDueTimers, a `fire`'s
      // catch-up) may have fired it while this one waited for the instance: a timer that
      // failed keeps its visit and its id free, but is gone, re-armed for later.
      auto pending = timerPending(*timer);
      if (!pending) return storeFailed("store: " + pending.error().message);
      if (!pending.value()) return std::nullopt;
    }
    auto alreadyApplied = thrownAsError("applied", [&] { return store->applied(instanceId, event.id); });
    if (!alreadyApplied) return storeFailed("store: " + alreadyApplied.error().message);
    if (alreadyApplied.value()) {
      if (!timer) return duplicate(*machine, record.state, instanceId, event, time);
      // This timer fired already (another engine sharing the store applied it).
      consumeTimer(*timer, std::move(record));
      return std::nullopt;
    }

    removeSteps(record.saga, compensatedBefore);
    Trigger trigger{&event, timer ? std::optional(timer->transition) : std::nullopt, time};
    const std::uint64_t version = record.version;
    Outcome outcome = applyTrigger(*machine, std::move(record), trigger, bindings());
    const bool failed = outcome.answer.kind == FireAnswer::Kind::Failed;
    if (!outcome.commit && !timer && !outcome.sagaConsumed) {
      recordUnchanged(instanceId, outcome.journal, outcome.answer);
      return outcome.answer;
    }
    // What a timer that did not transition commits is the record as loaded (timers cast
    // no votes), which is what the outcome holds then.
    Commit commit;
    commit.instance = std::move(outcome.record);
    commit.instance.version = version;
    // A failed event is not applied (it may be sent again), but its entry is committed with
    // what it changes (a saga step kept, a timer re-armed): both or neither are stored.
    commit.journal = std::move(outcome.journal);
    commit.journalApplies = !failed;
    commit.replaceTimers = true;
    if (outcome.rearmTimers) {
      commit.timers = timersFor(*machine, commit.instance);
    } else if (timer) {
      commit.replaceTimers = false;
      commit.consumedTimer = *timer;
      if (failed) {  // a failed timer transition is tried again later
        TimerRecord retry = *timer;
        // A clock that cannot tell (told to onTimerError) leaves it due at once: the next
        // call tries it again, as one refused.
        const auto now = timerNow();
        retry.due = now ? TimestampValue{dueAfter(now->nanoseconds, timerRetry.nanoseconds)} : timer->due;
        commit.timers.push_back(retry);
      }
    } else {
      commit.replaceTimers = false;
    }
    const std::string tenantId = commit.instance.tenantId;
    const std::optional<std::int64_t> armed = earliestDue(commit.timers);
    auto status = commitToStore(std::move(commit));  // moves the record's context, votes, saga
    if (!status || status.value() != CommitStatus::Committed) {
      // The step is not applied, but its host actions ran: take them back, or a retry (or
      // the host's, after a store error) would do them twice.
      takeBack(*machine, instanceId, tenantId, event, outcome.undo, takenBack,
               LostAttempt{std::move(outcome.answer.compensations), std::move(outcome.failedUndo)});
      compensatedBefore.insert(compensatedBefore.end(), outcome.compensatedSaga.begin(), outcome.compensatedSaga.end());
    }
    if (!status) return withSagaSettled(instanceId, compensatedBefore, storeFailed("store: " + status.error().message));
    // DuplicateEvent: another writer applied this id after `applied` was asked (a store
    // shared by several processes). The next attempt finds it applied and answers
    // Duplicate, with the instance's state and the Duplicate's history entry.
    if (status.value() != CommitStatus::Committed) continue;
    route(*machine, instanceId, tenantId, event, time, outcome.routed, outcome.answer);
    if (armed) timerWake.armed(*armed);
    return outcome.answer;
  }
  return withSagaSettled(instanceId, compensatedBefore,
                         rejected("instance `" + excerptForMessage(instanceId) + "` kept changing under this event; try again"));
}

}  // namespace approval::runtime
