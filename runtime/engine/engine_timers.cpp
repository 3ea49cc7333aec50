// The engine's timers: firing due ones (runDueTimers, the catch-up before an event) and the
// timer thread.
#include "engine/engine_impl.h"

namespace approval::runtime {

void Engine::Impl::timerLoop() {
  constexpr std::chrono::milliseconds kFirstBackOff{10};
  constexpr std::chrono::milliseconds kLongestSleep{1000};
  std::set<TimerKey> skipped;
  auto nextDue = [this, &skipped] { return nextDueBesides(skipped); };
  std::chrono::milliseconds backOff{0};
  while (!timerWake.stopped()) {
    // Nobody could catch what the clock, the store or the engine throws here (a database
    // gone, a record that is not what the engine wrote): it would end the process. The
    // thread waits, longer each time in a row, and tries again.
    try {
      runDue({}, &skipped);
      // Until the earliest timer not just skipped, and at most a second: a store may gain
      // timers that this engine did not commit, and the skipped ones are tried again.
      (void)timerWake.sleep(nextDue, clock->now().nanoseconds, kLongestSleep);
      backOff = std::chrono::milliseconds{0};
    } catch (...) {
      backOff = std::clamp(2 * backOff, kFirstBackOff, kLongestSleep);
      timerWake.pause(backOff);
    }
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
  (void)store->commit(std::move(consumed));
}

std::optional<FireAnswer> Engine::Impl::fireTimer(const TimerRecord& timer) {
  auto machine = [&]() -> std::shared_ptr<const LoadedMachine> {
    auto record = store->load(timer.instanceId);
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
  if (answer && onTimerAnswer) {
    // A notification: what it throws cannot undo the step, nor become the caller's answer.
    try {
      onTimerAnswer(timer.instanceId, *answer);
    } catch (...) {  // NOLINT(bugprone-empty-catch): documented in EngineOptions::onTimerAnswer
    }
  }
  return answer;
}

void Engine::Impl::fireOverdueTimers(std::string_view instanceId, TimestampValue time) {
  std::set<std::pair<std::uint64_t, std::uint32_t>> tried;  // (visit, transition)
  for (int round = 0; round < kMaxTimerRounds; ++round) {
    auto due = store->dueTimers(instanceId, time);
    if (!due) return;
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

std::vector<std::pair<std::string, FireAnswer>> Engine::Impl::runDue(const TimerAnswerCallback& onAnswer,
                                                                     std::set<TimerKey>* skipped) {
  std::vector<std::pair<std::string, FireAnswer>> answers;
  const TimestampValue until = clock->now();
  // A fired timer may arm another that is already due (the clock jumped): keep going until
  // nothing is due, for at most kMaxTimerRounds rounds. A timer refused without being
  // consumed (a store error, its instance busy on this thread: a host action called this)
  // stays due, a failed one is due again `timerRetry` later (at once at the end of time),
  // and one whose machine is not loaded (an engine restarted on a durable store) stays due
  // until it is: each is tried once and left for a later call, not tried again every
  // round. Those stay among the earliest due, so each round asks for as many more as it
  // has tried: however many there are, the timers behind them are still reached.
  std::set<TimerKey> tried;
  for (int round = 0; round < kMaxTimerRounds; ++round) {
    auto due = store->dueTimers(until, kTimersPerRound + tried.size());
    if (!due || due.value().empty()) break;
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
      answers.emplace_back(timer.instanceId, std::move(*answer));
    }
    if (!triedOne) break;
  }
  if (skipped != nullptr) *skipped = std::move(tried);
  return answers;
}

std::optional<std::int64_t> Engine::Impl::nextDueBesides(const std::set<TimerKey>& skipped) {
  if (skipped.empty()) {
    auto next = store->nextTimer();
    if (!next || !next.value()) return std::nullopt;
    return next.value()->nanoseconds;
  }
  // The earliest timers, one more than were skipped: the first not skipped is among them.
  auto pending = store->dueTimers(TimestampValue{std::numeric_limits<std::int64_t>::max()}, skipped.size() + 1);
  if (!pending) return std::nullopt;
  for (const auto& timer : pending.value()) {
    if (!skipped.contains(std::make_tuple(timer.instanceId, timer.visit, timer.transition))) {
      return timer.due.nanoseconds;
    }
  }
  return std::nullopt;
}

}  // namespace approval::runtime
