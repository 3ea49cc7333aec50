// The engine's timers: firing due ones (runDueTimers, the catch-up before an event) and the
// timer thread.
#include "engine/engine_impl.h"

namespace approval::runtime {

void Engine::Impl::timerLoop() {
  constexpr std::chrono::milliseconds kFirstBackOff{10};
  constexpr std::chrono::milliseconds kLongestSleep{1000};
  std::set<TimerKey> skipped;
  auto nextDue = [this, &skipped] { return nextDueBesides(skipped); };
  const auto noneDue = [] { return std::optional<std::int64_t>(); };
  std::chrono::milliseconds backOff{0};
  while (!timerWake.stopped()) {
    bool blind = true;
    // What the clock, the store and onTimerAnswer throw is caught where they are called, and
    // told. This catches the rest (the engine out of memory), which would otherwise end the
    // process: nobody could catch it on this thread.
    try {
      DueRun run = runDue();
      skipped = std::move(run.skipped);
      if (const auto now = run.blind ? std::nullopt : timerNow()) {
        blind = false;
        if (run.heldElsewhere) {
          // Due, but another engine's: waiting for it would wake the thread at once, again
          // and again, until that engine fires it. A timer of this engine's still wakes it.
          backOff = std::clamp(2 * backOff, kFirstBackOff, kLongestSleep);
          (void)timerWake.sleep(noneDue, now->nanoseconds, backOff);
          continue;
        }
        // Until the earliest timer not just skipped, and at most a second: a store may gain
        // timers that this engine did not commit, and the skipped ones are tried again.
        (void)timerWake.sleep(nextDue, now->nanoseconds, kLongestSleep);
      }
    } catch (...) {
      reportTimerError(TimerError::Source::Engine, {}, "engine: " + describeThrown());
    }
    // A clock or store that fails is asked again later each time in a row, not at once.
    backOff = blind ? std::clamp(2 * backOff, kFirstBackOff, kLongestSleep) : std::chrono::milliseconds{0};
    if (blind) timerWake.pause(backOff);
  }
}

void Engine::Impl::reportTimerError(TimerError::Source source, std::string_view instanceId, std::string message) const {
  if (!onTimerError) return;
  try {
    onTimerError(TimerError{source, std::string(instanceId), std::move(message)});
  } catch (...) {  // NOLINT(bugprone-empty-catch): documented in EngineOptions::onTimerError
  }
}

std::optional<TimestampValue> Engine::Impl::timerNow() const {
  try {
    return clock->now();
  } catch (...) {
    reportTimerError(TimerError::Source::Clock, {}, "clock: now() " + describeThrown());
    return std::nullopt;
  }
}

namespace {

/// Due time first, then declaration order: among `after` transitions of one state due at the
/// same time the first declared is tried first, as the language says, whatever order the
/// store returned them in (docs/RUNTIME.md "Writing a store").
void inFiringOrder(std::vector<TimerRecord>& timers) {
  std::stable_sort(timers.begin(), timers.end(), [](const TimerRecord& a, const TimerRecord& b) {
    return std::tie(a.due.nanoseconds, a.transition) < std::tie(b.due.nanoseconds, b.transition);
  });
}

}  // namespace

void Engine::Impl::consumeTimer(const TimerRecord& timer, InstanceRecord record) {
  Commit consumed;
  consumed.consumedTimer = timer;
  consumed.instance = std::move(record);
  // A conflict leaves it for the next time it is due; an error would leave it there for ever.
  auto status = commitToStore(std::move(consumed));
  if (!status) {
    reportTimerError(TimerError::Source::Store, timer.instanceId,
                     "store: removing a timer that must not fire: " + status.error().message);
  }
}

std::optional<FireAnswer> Engine::Impl::fireTimer(const TimerRecord& timer) {
  auto machine = [&]() -> std::shared_ptr<const LoadedMachine> {
    auto record = thrownAsError("load", [&] { return store->load(timer.instanceId); });
    if (!record) {
      reportTimerError(TimerError::Source::Store, timer.instanceId,
                       "store: loading the instance of a due timer: " + record.error().message);
    }
    if (!record || !record.value()) return nullptr;
    return machines.byHash(record.value()->machineHash);
  }();
  if (!machine || timer.transition >= machine->ir.transitions.size()) return std::nullopt;
  const auto delay = machine->ir.transitions[timer.transition].delayMs.value_or(0);
  Event event;
  event.id = "timer/" + std::to_string(timer.visit) + "/" + std::to_string(timer.transition);  // isTimerEventId
  event.name = "after " + ast::formatDuration(delay);
  event.actor = "timer";
  auto answer = apply(timer.instanceId, event, timer.due, timer);
  if (answer && onTimerAnswer) tellTimerAnswer(timer.instanceId, *answer);
  return answer;
}

thread_local std::deque<Engine::Impl::UntoldTimerAnswer>* Engine::Impl::untoldTimerAnswers = nullptr;

void Engine::Impl::tellTimerAnswer(const std::string& instanceId, const FireAnswer& answer) {
  // Told one after the other, not from inside the callback that caused them: a callback
  // that fires at another instance with overdue timers, whose callbacks fire back, would
  // otherwise nest once per overdue timer until the stack overflows.
  if (untoldTimerAnswers != nullptr) {
    untoldTimerAnswers->push_back({this, instanceId, answer});
    return;
  }
  std::deque<UntoldTimerAnswer> untold;
  untoldTimerAnswers = &untold;
  struct Telling {
    ~Telling() { untoldTimerAnswers = nullptr; }
  } const telling;
  untold.push_back({this, instanceId, answer});
  while (!untold.empty()) {
    const UntoldTimerAnswer next = std::move(untold.front());
    untold.pop_front();
    next.engine->callOnTimerAnswer(next.instanceId, next.answer);
  }
}

void Engine::Impl::callOnTimerAnswer(const std::string& instanceId, const FireAnswer& answer) {
  // A notification: what it throws cannot undo the step, nor become the caller's answer.
  try {
    onTimerAnswer(instanceId, answer);
  } catch (...) {
    reportTimerError(TimerError::Source::TimerAnswer, instanceId, "onTimerAnswer " + describeThrown());
  }
}

void Engine::Impl::fireOverdueTimers(std::string_view instanceId, TimestampValue time) {
  std::set<std::pair<std::uint64_t, std::uint32_t>> tried;  // (visit, transition)
  for (int round = 0; round < kMaxTimerRounds; ++round) {
    auto due = thrownAsError("dueTimers", [&] { return store->dueTimers(instanceId, time); });
    if (!due) {
      // The event goes on as before; the host learns that it may have overtaken a deadline.
      reportTimerError(TimerError::Source::Store, instanceId,
                       "store: reading the instance's due timers before an event: " + due.error().message);
      return;
    }
    inFiringOrder(due.value());
    bool fired = false;
    for (const auto& timer : due.value()) {
      if (!tried.emplace(timer.visit, timer.transition).second) continue;
      fired = true;
      (void)fireTimer(timer);
    }
    if (!fired) return;
  }
}

Engine::Impl::DueRun Engine::Impl::runDue(const TimerAnswerCallback& onAnswer) {
  DueRun run;
  const std::optional<TimestampValue> until = timerNow();
  if (!until) {
    run.blind = true;
    return run;
  }
  // A fired timer may arm another that is already due (the clock jumped): keep going until
  // nothing is due, for at most kMaxTimerRounds rounds. A timer refused without being
  // consumed (a store error, its instance busy on this thread: a host action called this)
  // stays due, a failed one is due again `timerRetry` later (at once at the end of time),
  // and one whose machine is not loaded (an engine restarted on a durable store) stays due
  // until it is: each is tried once and left for a later call, not tried again every
  // round. Those stay among the earliest due, so each round asks for as many more as it
  // has tried: however many there are, the timers behind them are still reached.
  // Each is claimed first: engines sharing the store leave it alone until the claim lapses.
  std::set<TimerKey>& tried = run.skipped;
  const TimestampValue claimedUntil{dueAfter(until->nanoseconds, timerClaim.nanoseconds)};
  for (int round = 0; round < kMaxTimerRounds; ++round) {
    auto due = thrownAsError("claimDueTimers", [&] {
      return store->claimDueTimers(*until, kTimersPerRound + tried.size(), timerClaimant, claimedUntil);
    });
    if (!due) {
      reportTimerError(TimerError::Source::Store, {}, "store: reading the due timers: " + due.error().message);
      run.blind = true;
      break;
    }
    if (due.value().empty()) {
      if (round == 0) run.heldElsewhere = dueButHeld(*until);
      break;
    }
    inFiringOrder(due.value());
    bool triedOne = false;
    for (const auto& timer : due.value()) {
      auto key = std::make_tuple(timer.instanceId, timer.visit, timer.transition);
      if (tried.contains(key)) continue;
      triedOne = true;
      auto answer = fireTimer(timer);
      // A timer that fired is gone, and so is one whose state was left (no answer); one
      // that may still be due is remembered. (Remembering more only asks for more.)
      if (!answer || answer->kind == FireAnswer::Kind::Rejected || answer->kind == FireAnswer::Kind::Failed) {
        tried.insert(std::move(key));
      }
      if (!answer) continue;
      if (onAnswer) onAnswer(timer.instanceId, *answer);
      run.answers.emplace_back(timer.instanceId, std::move(*answer));
    }
    if (!triedOne) break;
  }
  return run;
}

bool Engine::Impl::dueButHeld(TimestampValue now) {
  // A store that cannot tell is not asked again here: runDue's next call meets its error.
  auto next = thrownAsError("nextTimer", [&] { return store->nextTimer(); });
  return next && next.value() && next.value()->nanoseconds <= now.nanoseconds;
}

std::optional<std::int64_t> Engine::Impl::nextDueBesides(const std::set<TimerKey>& skipped) {
  // Not knowing, the thread sleeps its longest (a second) and asks again.
  const auto unknown = [this](const Error& error) -> std::optional<std::int64_t> {
    reportTimerError(TimerError::Source::Store, {}, "store: reading when the next timer is due: " + error.message);
    return std::nullopt;
  };
  if (skipped.empty()) {
    auto next = thrownAsError("nextTimer", [&] { return store->nextTimer(); });
    if (!next) return unknown(next.error());
    if (!next.value()) return std::nullopt;
    return next.value()->nanoseconds;
  }
  // The earliest timers, one more than were skipped: the first not skipped is among them.
  auto pending = thrownAsError("dueTimers", [&] {
    return store->dueTimers(TimestampValue{std::numeric_limits<std::int64_t>::max()}, skipped.size() + 1);
  });
  if (!pending) return unknown(pending.error());
  for (const auto& timer : pending.value()) {
    if (!skipped.contains(std::make_tuple(timer.instanceId, timer.visit, timer.transition))) {
      return timer.due.nanoseconds;
    }
  }
  return std::nullopt;
}

}  // namespace approval::runtime
