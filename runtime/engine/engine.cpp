// Engine: loading and binding, instance start, `fire` with per-instance serialisation and
// optimistic commits, due timers, routes and audit history (docs/RUNTIME.md). The engine's
// state is engine/engine_impl.h; the general path and the timers have files of their own.
#include "approval/engine.h"

#include <charconv>
#include <random>

#include "engine/engine_impl.h"

namespace approval::runtime {

const char* kindName(FireAnswer::Kind kind) {
  switch (kind) {
    case FireAnswer::Kind::Duplicate: return "Duplicate";
    case FireAnswer::Kind::Rejected: return "Rejected";
    case FireAnswer::Kind::Stayed: return "Stayed";
    case FireAnswer::Kind::Transitioned: return "Transitioned";
    case FireAnswer::Kind::Failed: return "Failed";
  }
  return "?";
}

std::uint64_t Engine::Impl::nextSerial() {
  static std::atomic<std::uint64_t> engines{0};
  return ++engines;
}

void Engine::Impl::deleteQueue(RouteQueue* queue) {
  delete queue;  // delivers what it holds, then stops its worker
  {
    std::unique_lock lock(bindingsMutex);
    --liveQueues;
  }
  queueGone.notify_all();
}

std::shared_ptr<RouteQueue> Engine::Impl::makeRouteQueue(RouteSink sink, RouteOptions options) {
  {
    std::unique_lock lock(bindingsMutex);
    ++liveQueues;
  }
  return {new RouteQueue(std::move(sink), options), [this](RouteQueue* queue) {
            if (mayWaitForSinks()) return deleteQueue(queue);
            queue->close();
            {
              std::unique_lock lock(bindingsMutex);
              retiredRoutes.emplace_back(queue);
            }
            queueGone.notify_all();  // ~Engine may be waiting for it
          }};
}

Result<InstanceRecord> Engine::Impl::loadExisting(std::string_view instanceId, std::string_view whenAbsent) {
  auto loaded = thrownAsError("load", [&] { return store->load(instanceId); });
  if (!loaded) return loaded.error();
  if (!loaded.value()) return Error{"no instance `" + excerptForMessage(instanceId) + "`" + std::string(whenAbsent)};
  return std::move(*loaded.value());
}

void Engine::Impl::takeRetired(bool all) {
  std::vector<std::unique_ptr<RouteQueue>> taken;
  {
    std::unique_lock lock(bindingsMutex);
    auto kept = std::partition(retiredRoutes.begin(), retiredRoutes.end(),
                               [all](const auto& queue) { return !all && !queue->stopped(); });
    std::move(kept, retiredRoutes.end(), std::back_inserter(taken));
    retiredRoutes.erase(kept, retiredRoutes.end());
  }
  for (auto& queue : taken) deleteQueue(queue.release());
}

Engine::Impl::RouteActivity Engine::Impl::routeActivity() const {
  RouteActivity activity;
  std::shared_lock lock(bindingsMutex);
  for (const auto& [name, queue] : routes) activity.queues.emplace_back(queue, queue->activity());
  activity.retiredWaiting = !retiredRoutes.empty();
  return activity;
}

// Inline, as when it was defined in the class: only `fire` (below) calls it, and inlining it
// there (and the planner's destructor into it) is a few nanoseconds of a short step.
inline bool Engine::Impl::fireDirect(std::size_t stripe, std::string_view instanceId, StoreSlot& slot, const Event& event,
                              TimestampValue time, FireAnswer& answer) {
  // One DirectEvent for both attempts, built in place: a copy of it stalled on store
  // forwarding (its views were written as 8-byte halves and read back 16 bytes at a time).
  DirectEvent direct{instanceId, event.id, event.name, event.actor, time, &event.payload, &stripes.holds(stripe)};
  bool threw = false;  // applyDirect threw: `answer` refuses the event, with nothing applied
  {
    EventPlanner planner(machines, event.name, PlanScope::ShortOnly);
    const DirectOutcome outcome = applyDirectCaught(slot, direct, planner, answer, threw);
    if (outcome.status != DirectOutcome::Status::NotDirect) {
      answerInPlace(outcome, planner, instanceId, event, time, answer);
      return true;
    }
  }
  if (threw) return true;
  direct.holds = nullptr;  // serialised from here on
  auto hold = stripes.hold(stripe, instanceId);
  if (!hold.held()) return false;
  EventPlanner planner(machines, event.name);
  DirectOutcome outcome = applyDirectCaught(slot, direct, planner, answer, threw);
  if (threw) return true;
  if (outcome.status == DirectOutcome::Status::NotDirect) {
    const PreparedStep* pending = planner.pendingHostActions();
    if (pending == nullptr) return false;
    hold.releaseStripe();  // host actions take their time: only this instance waits for them
    JournalEntry failure;
    std::vector<SagaStep> unfinished;
    if (!runDirectHostActions(*planner.machine(), *pending, instanceId, event, time, bindings(), answer, failure,
                              unfinished)) {
      // The undo still owed joins the saga in one commit with the Failed entry; a store that
      // cannot take that commit may still take the entry alone.
      if (unfinished.empty()) {
        recordUnchanged(instanceId, failure, answer);
      } else if (auto problem = keepInSaga(instanceId, unfinished, &failure)) {
        answer.reason += notKeptInSaga(*problem);
        recordUnchanged(instanceId, failure, answer);
      }
      return true;
    }
    planner.hostActionsSucceeded();
    outcome = applyDirectCaught(slot, direct, planner, answer, threw);
    // Not applied only if the instance changed meanwhile, which the hold rules out for
    // this engine's events; were a store to allow it, the actions are taken back as after
    // a lost commit, and the general path runs the event again (the caller keeps the
    // compensations in its answer). A store that threw is taken back the same way, and the
    // event refused, as after a commit that threw.
    if (outcome.status != DirectOutcome::Status::Applied) {
      TakenBack takenBack;
      takeBack(*planner.machine(), instanceId, pending->tenantId, event, pending->saga, takenBack);
      std::move(takenBack).addTo(answer);  // the refusal's, or kept for fireGeneralAfter
      return threw;
    }
  }
  answerInPlace(outcome, planner, instanceId, event, time, answer);
  return true;
}

inline void Engine::Impl::answerInPlace(const DirectOutcome& outcome, EventPlanner& planner, std::string_view instanceId,
                                 const Event& event, TimestampValue time, FireAnswer& answer) {
  if (outcome.status == DirectOutcome::Status::Refused) {
    answer.kind = FireAnswer::Kind::Rejected;
    answer.reason = planner.takeRefusal();
    answer.from = planner.machine()->ir.states[outcome.from].name;
    return;
  }
  if (outcome.status == DirectOutcome::Status::Duplicate) {
    answer.kind = FireAnswer::Kind::Duplicate;
    answer.reason = duplicateReason(event.id);
    const LoadedMachine* machine = machines.cached(outcome.machineHash);
    if (machine != nullptr && outcome.from < machine->ir.states.size()) {
      answer.from = machine->ir.states[outcome.from].name;
    }
    return;
  }
  const auto& states = planner.machine()->ir.states;
  answer.from = states[outcome.from].name;
  if (outcome.decision.step < 0) {
    answer.kind = FireAnswer::Kind::Stayed;
  } else {
    const DirectStep* taken = &outcome.decision.row->steps[static_cast<std::size_t>(outcome.decision.step)];
    answer.kind = FireAnswer::Kind::Transitioned;
    answer.to = states[taken->target].name;
    if (taken->actions != nullptr) {
      answer.actions = *taken->actions;
      answer.emitted = *taken->emitted;
    }
    if (taken->timers != nullptr) timerWake.armed(dueAfter(time.nanoseconds, earliestDelay(*taken->timers)));
  }
  if (outcome.decision.routes()) {  // the accepted event, then the emitted ones, as the general path routes them
    std::vector<std::pair<std::string, bool>> routed{{event.name, false}};
    for (const auto& name : answer.emitted) routed.emplace_back(name, true);
    route(*planner.machine(), instanceId, outcome.tenantId, event, time, routed, answer);
  }
}

Result<std::vector<MachineInfo>> Engine::Impl::install(ir::Program program, bool hashed) {
  // Instances are pinned to a machine's content hash: a hash that is missing, or that does
  // not match the machine (edited IR), would pin them to some other machine.
  if (!hashed) {
    for (auto& machine : program.machines) {
      const std::string computed = computeContentHash(machine);
      if (computed.empty()) return Error{"cannot compute the content hash of `" + machine.name + "`"};
      if (machine.contentHash.empty()) {
        machine.contentHash = computed;
      } else if (machine.contentHash != computed) {
        return Error{"machine `" + machine.name + "`: its contentHash " + machine.contentHash +
                     " is not the hash of its content (" + computed +
                     "): the IR was changed after it was written; compile it again, or remove contentHash to "
                     "load it as it is"};
      }
      // Guards are compiled by the labels on their nodes: IR not written by the compiler
      // must be what the compiler writes for it.
      if (auto mismatch = irCompileMismatch(machine)) {
        return Error{"machine `" + machine.name + "`: its IR is not what the compiler makes of it: " + *mismatch +
                     "; compile the machine again from its source"};
      }
    }
  }
  std::string missing;
  {
    std::shared_lock lock(bindingsMutex);
    // Each unbound target once, however many routes name it. Looking for its name in the
    // message instead dropped a target named like a host action or a machine listed before.
    std::set<std::string_view> listedTargets;
    for (const auto& machine : program.machines) {
      for (const auto& action : machine.hostActions) {
        if (!actions.contains(action.name)) {
          missing += "\n  host action `" + action.name + "` (" + std::to_string(action.arity) + " argument" +
                     (action.arity == 1 ? "" : "s") + ") of `" + machine.name + "`";
        }
      }
      for (const auto& route : machine.routes) {
        for (const auto& target : route.targets) {
          if (!routes.contains(target) && listedTargets.insert(target).second) {
            missing += "\n  route target `" + target + "` of `" + machine.name + "`";
          }
        }
      }
    }
  }
  if (!missing.empty()) return Error{"bind these before loading (Engine::bindAction / bindRoute):" + missing};
  std::vector<std::shared_ptr<const LoadedMachine>> prepared;
  for (auto& machine : program.machines) {
    auto loaded = prepareMachine(std::move(machine), jit, optimizationLevel);
    if (!loaded) return loaded.error();
    prepared.push_back(std::move(loaded).value());
  }
  std::vector<MachineInfo> infos;
  for (auto& machine : prepared) {
    infos.push_back({machine->ir.name, machine->ir.version, machine->ir.contentHash});
    machines.add(std::move(machine));
  }
  return infos;
}

Engine::Impl::Pushed Engine::Impl::pushToBound(const std::string& target, RoutedEvent&& event) {
  for (;;) {
    std::shared_ptr<RouteQueue> queue;
    {
      std::shared_lock lock(bindingsMutex);
      auto bound = routes.find(target);
      if (bound != routes.end()) queue = bound->second;
    }
    if (queue == nullptr) return Pushed::Unbound;  // unbound since the machine loaded (an empty sink)
    switch (queue->push(std::move(event))) {
      case RouteQueue::Pushed::Queued: return Pushed::Queued;
      case RouteQueue::Pushed::Dropped: return Pushed::Dropped;
      case RouteQueue::Pushed::Refused: return Pushed::Refused;
      case RouteQueue::Pushed::Closed: break;  // `event` is still ours
    }
  }
}

void Engine::Impl::route(const LoadedMachine& machine, std::string_view instanceId, std::string_view tenantId, const Event& event,
                         TimestampValue time, const std::vector<std::pair<std::string, bool>>& routed, FireAnswer& answer) {
  std::size_t emittedCount = 0;
  for (const auto& [name, emitted] : routed) {
    auto index = machine.eventByName.find(name);
    if (index == machine.eventByName.end()) continue;
    const std::string eventId = emitted ? event.id + "/emit/" + std::to_string(++emittedCount) : event.id;
    for (const auto& target : machine.routes[index->second]) {
      RoutedEvent routedEvent{target,         machine.ir.name, std::string(instanceId), std::string(tenantId),
                              eventId,        name,            emitted,                time};
      switch (pushToBound(target, std::move(routedEvent))) {
        case Pushed::Unbound: answer.routeFailures.push_back(target + ": " + name + " (no sink bound)"); break;
        case Pushed::Refused: answer.routeFailures.push_back(target + ": " + name); break;
        case Pushed::Queued:
        case Pushed::Dropped: break;
      }
    }
  }
}


bool isTimerEventId(std::string_view id) noexcept {
  constexpr std::string_view kPrefix = "timer/";
  if (!id.starts_with(kPrefix)) return false;
  id.remove_prefix(kPrefix.size());
  auto number = [&id] {  // one or more digits, taken off the front
    const std::size_t digits = std::min(id.find_first_not_of("0123456789"), id.size());
    id.remove_prefix(digits);
    return digits > 0;
  };
  if (!number() || !id.starts_with('/')) return false;
  id.remove_prefix(1);
  return number() && id.empty();
}

/// Random, so that engines in different processes sharing a store do not take each other for
/// themselves.
static std::string newTimerClaimant() {
  std::random_device random;
  const std::uint64_t bits = (std::uint64_t{random()} << 32U) ^ random();
  char hex[16];
  const auto written = std::to_chars(std::begin(hex), std::end(hex), bits, 16).ptr;
  return "engine " + std::string(std::begin(hex), written);
}

Engine::Engine() : Engine(EngineOptions{}) {}

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->store = options.store ? std::move(options.store) : makeMemoryStore();
  impl_->clock = options.clock ? std::move(options.clock) : std::make_shared<SystemClock>();
  impl_->jit = options.jit;
  impl_->optimizationLevel = options.optimizationLevel;
  // At least a millisecond: a retry due at once would be fired again by the same call.
  impl_->timerRetry = DurationValue{std::max(options.timerRetry.nanoseconds, kMinTimerRetry)};
  impl_->timerClaim = DurationValue{std::max(options.timerClaim.nanoseconds, kMinTimerRetry)};
  impl_->timerClaimant = newTimerClaimant();
  impl_->onTimerAnswer = std::move(options.onTimerAnswer);
  impl_->onTimerError = std::move(options.onTimerError);
  if (options.timerThread) impl_->timerThread = std::thread([this] { impl_->timerLoop(); });
}

Engine::~Engine() {
  if (impl_->timerThread.joinable()) {
    impl_->timerWake.stop();
    impl_->timerThread.join();
  }
  // The queues deliver what they hold before they stop, while the rest of the engine is
  // whole: a sink may still call it (what it fires now is applied, but routed nowhere; a
  // target it binds now is stopped by the next round).
  // A queue in neither list may still be alive: a sink pushing to its own target holds it
  // while its worker runs `fire`. Once that reference goes the queue is retired (or
  // deleted), and the loop goes on until every queue is gone.
  for (;;) {
    decltype(impl_->routes) routes;
    {
      std::unique_lock lock(impl_->bindingsMutex);
      impl_->queueGone.wait(lock, [&] {
        return !impl_->routes.empty() || !impl_->retiredRoutes.empty() || impl_->liveQueues == 0;
      });
      if (impl_->liveQueues == 0) break;
      routes.swap(impl_->routes);
    }
    routes.clear();  // the last reference to a queue deletes it here, or retires it
    impl_->takeRetired(true);
  }
}

void Engine::bindAction(std::string name, HostAction action) {
  std::shared_ptr<const HostAction> replaced;  // may hold what the action captured: freed unlocked
  std::unique_lock lock(impl_->bindingsMutex);
  if (!action) {  // an empty callable unbinds: calling it would only throw bad_function_call
    auto found = impl_->actions.find(name);
    if (found != impl_->actions.end()) {
      replaced = std::move(found->second);
      impl_->actions.erase(found);
    }
    return;
  }
  auto bound = std::make_shared<const HostAction>(std::move(action));
  replaced = std::exchange(impl_->actions[std::move(name)], std::move(bound));
}

void Engine::bindRoute(std::string target, RouteSink sink, RouteOptions options) {
  {
    std::shared_ptr<RouteQueue> replaced;  // stops after the lock is released: its sink may call the engine
    if (!sink) {  // an empty sink unbinds: events for the target are then route failures
      std::unique_lock lock(impl_->bindingsMutex);
      auto found = impl_->routes.find(target);
      if (found != impl_->routes.end()) {
        replaced = std::move(found->second);
        impl_->routes.erase(found);
        impl_->unboundRouteStops[std::move(target)] = replaced->stoppedSignal();
      }
    } else {
      auto queue = impl_->makeRouteQueue(std::move(sink), options);
      std::unique_lock lock(impl_->bindingsMutex);
      // The old queue may still deliver after this (on its own worker): the new one waits
      // for it, so one instance's events reach the target in the order they applied.
      auto unbound = impl_->unboundRouteStops.extract(target);
      auto& bound = impl_->routes[std::move(target)];
      if (bound != nullptr) {
        queue->follow(bound->stoppedSignal());
      } else if (!unbound.empty()) {
        queue->follow(std::move(unbound.mapped()));
      }
      replaced = std::exchange(bound, std::move(queue));
    }
    if (replaced != nullptr) {
      // A producer may still hold the old queue (waiting for room in it): closed, it sends
      // that event to the new binding instead, and the old sink gets nothing more.
      replaced->close();
      // Waiting for the last reference to go would be waiting for that producer.
      if (Impl::mayWaitForSinks()) replaced->waitUntilStopped();
    }
  }
  impl_->takeRetired(false);  // their workers have left: joined at once
}

Result<std::vector<MachineInfo>> Engine::loadSource(std::string text, std::string path) {
  return loadCompiled(std::move(*compile({InputFile{std::move(path), std::move(text)}})));
}

Result<std::vector<MachineInfo>> Engine::loadCompiled(Compilation&& compilation) {
  if (compilation.diagnostics.hasErrors()) {
    return Error{renderText(compilation.diagnostics.diagnostics(), compilation.sources)};
  }
  return impl_->install(std::move(compilation.program), /*hashed=*/true);
}

Result<std::vector<MachineInfo>> Engine::loadIr(std::string_view json) {
  auto program = parseIr(json);
  if (!program) return program.error();
  return impl_->install(std::move(program).value());
}

Result<std::vector<MachineInfo>> Engine::loadProgram(ir::Program program) { return impl_->install(std::move(program)); }

Result<MachineInfo> Engine::start(const StartRequest& request) {
  const SinkFiring fromSink;  // it may wait for a stripe a producer holds while it waits for this sink
  std::shared_ptr<const LoadedMachine> machine = impl_->machines.byHashOrName(request.machine);
  if (!machine) return Error{"no loaded machine `" + request.machine + "` (give a name or a content hash)"};
  if (request.instanceId.empty()) return Error{"an instance needs an id"};
  // Ids reach host actions, sinks and JSON views as text.
  if (!isValidUtf8(request.instanceId)) return Error{"the instance id is not valid UTF-8: give ids as UTF-8 text"};
  if (!isValidUtf8(request.tenantId)) return Error{"the tenant id is not valid UTF-8: give ids as UTF-8 text"};
  const ir::Machine& ir = machine->ir;

  auto parsed = parseJsonInput(request.contextJson, kMaxJsonNesting, kMaxInstanceDataValues);
  if (!parsed) return Error{"the context is not valid JSON: " + parsed.error().message};
  const nlohmann::json& given = parsed.value();
  if (!given.is_object()) return Error{"the context must be a JSON object of field names to values"};
  std::string fields;
  for (const auto& field : ir.context) fields += (fields.empty() ? "" : ", ") + field.name;
  for (const auto& item : given.items()) {
    const std::string& key = item.key();  // a name, not a structured binding: clang 14 cannot capture those
    const bool known = std::any_of(ir.context.begin(), ir.context.end(), [&](const auto& f) { return f.name == key; });
    if (!known) {
      return Error{"`" + ir.name + "` has no context field `" + excerptForMessage(key) + "` (its fields: " + fields + ")"};
    }
  }
  InstanceRecord record;
  record.instanceId = request.instanceId;
  record.tenantId = request.tenantId;
  record.machineHash = ir.contentHash;
  record.state = ir.initial;
  auto now = thrownAsError("clock: now()", [&] { return impl_->clock->now(); });
  if (!now) return now.error();
  record.enteredAt = now.value();
  record.visit = 1;
  for (std::size_t i = 0; i < ir.context.size(); ++i) {
    const auto& field = ir.context[i];
    if (given.contains(field.name)) {
      auto value = valueFromJson(given[field.name], machine->contextTypes[i]);
      if (!value) return Error{"context field `" + field.name + "`: " + value.error().message};
      record.context.push_back(std::move(value).value());
    } else if (machine->contextDefaults[i]) {
      record.context.push_back(*machine->contextDefaults[i]);
    } else {
      return Error{"context field `" + field.name + "` has no default: give it in the context"};
    }
  }
  // On the request's id: the record's is moved into the commit while the hold lasts.
  const auto hold = impl_->stripes.hold(request.instanceId);
  if (!hold.held()) return Error{hold.refusal(ir.name)};
  Commit commit;
  commit.timers = timersFor(*machine, record);
  commit.replaceTimers = true;
  commit.instance = std::move(record);
  const std::optional<std::int64_t> armed = earliestDue(commit.timers);
  auto status = thrownAsError("commit", [&] { return impl_->store->commit(std::move(commit)); });
  if (!status) return Error{"store: " + status.error().message};
  if (status.value() != CommitStatus::Committed) return Error{"instance `" + excerptForMessage(request.instanceId) + "` already exists"};
  if (armed) impl_->timerWake.armed(*armed);
  return MachineInfo{ir.name, ir.version, ir.contentHash};
}

Result<std::map<std::string, Value>> Engine::payloadFromJson(std::string_view instanceId, std::string_view event,
                                                             std::string_view json) {
  auto loaded = impl_->loadExisting(instanceId);
  if (!loaded) return loaded.error();
  auto machine = impl_->machines.byHash(loaded.value().machineHash);
  if (!machine) return Error{"the instance's machine is not loaded"};
  auto parsed = parseJsonInput(json, kMaxJsonNesting, kMaxInstanceDataValues);
  if (!parsed) return Error{"the payload is not valid JSON: " + parsed.error().message};
  const nlohmann::json& object = parsed.value();
  if (!object.is_object()) return Error{"the payload must be a JSON object"};
  std::map<std::string, Value> payload;
  auto index = machine->eventByName.find(std::string(event));
  if (index == machine->eventByName.end()) return Error{unknownEventReason(*machine, event)};  // as `fire` says it
  for (const auto& [key, value] : object.items()) {
    const PayloadField* field = nullptr;
    for (const auto& f : machine->payloads[index->second]) {
      if (f.name == key) field = &f;
    }
    if (field == nullptr) return Error{unknownFieldReason(*machine, index->second, event, key)};
    auto typed = valueFromJson(value, field->type);
    if (!typed) return Error{"field `" + excerptForMessage(key) + "`: " + typed.error().message};
    payload.emplace(key, std::move(typed).value());
  }
  return payload;
}

// The direct path leaves an event that a due timer must precede to the general path, which
// fires the timer first.
FireAnswer Engine::fire(std::string_view instanceId, const Event& event) {
  const SinkFiring fromSink;
  FireAnswer answer;
  TimestampValue time;
  if (!impl_->timeOf(event, time, answer)) return answer;  // the clock threw
  const std::size_t idHash = instanceIdHash(instanceId);
  StoreSlot* slot = nullptr;
  if (Impl::mayGoDirect(event)) {
    try {
      slot = impl_->store->slot(instanceId, idHash);
    } catch (...) {
      // Into `answer`, not a second returned object: every return naming `answer` keeps it
      // built in the caller's place (a FireAnswer moved out costs a by-id fire about 6%).
      answer = rejected("store: slot " + describeThrown());
      return answer;
    }
  }
  const bool direct = slot != nullptr && impl_->fireDirect(InstanceStripes::indexOfHash(idHash), instanceId, *slot,
                                                           event, time, answer);
  if (!direct) impl_->fireGeneralAfter(instanceId, event, time, answer);
  return answer;
}

Result<InstanceHandle> Engine::handle(std::string_view instanceId) {
  auto loaded = impl_->loadExisting(instanceId, ": start it first");
  if (!loaded) return loaded.error();
  InstanceHandle handle;
  handle.instanceId_ = std::string(instanceId);
  const std::size_t idHash = instanceIdHash(instanceId);
  handle.stripe_ = InstanceStripes::indexOfHash(idHash);
  auto slot = thrownAsError("slot", [&] { return impl_->store->slot(instanceId, idHash); });
  if (!slot) return slot.error();
  handle.slot_ = slot.value();
  handle.engine_ = impl_->serial;
  return handle;
}

FireAnswer Engine::fire(const InstanceHandle& instance, const Event& event) {
  const SinkFiring fromSink;
  FireAnswer answer;
  TimestampValue time;
  if (!impl_->timeOf(event, time, answer)) return answer;  // the clock threw
  const bool direct = instance.slot_ != nullptr && instance.engine_ == impl_->serial && Impl::mayGoDirect(event) &&
                      impl_->fireDirect(instance.stripe_, instance.instanceId_, *instance.slot_, event, time, answer);
  if (!direct) impl_->fireGeneralAfter(instance.instanceId_, event, time, answer);
  return answer;
}

std::vector<std::pair<std::string, FireAnswer>> Engine::runDueTimers(const TimerAnswerCallback& onAnswer) {
  const SinkFiring fromSink;
  return impl_->runDue(onAnswer).answers;
}

Result<std::optional<TimestampValue>> Engine::nextTimerDue() {
  return thrownAsError("nextTimer", [&] { return impl_->store->nextTimer(); });
}

Result<Engine::InstanceView> Engine::instance(std::string_view instanceId) {
  auto loaded = impl_->loadExisting(instanceId);
  if (!loaded) return loaded.error();
  const InstanceRecord& record = loaded.value();
  auto machine = impl_->machines.byHash(record.machineHash);
  if (!machine) {
    return Error{"instance `" + excerptForMessage(record.instanceId) + "` runs " + excerptForMessage(record.machineHash) +
                 ", which is not loaded"};
  }
  if (auto problem = Impl::storedRecordProblem(instanceId, *machine, record)) return Error{std::move(*problem)};
  InstanceView view;
  view.machine = machine->ir.name;
  view.contentHash = record.machineHash;
  view.state = machine->ir.states.at(record.state).name;
  view.final = machine->ir.states.at(record.state).isFinal;
  // `fire` and `start` take in only UTF-8 text, but a store's data is not ours to trust:
  // what JSON cannot show is an error, not an exception.
  try {
    nlohmann::ordered_json context = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < record.context.size(); ++i) {
      context[machine->ir.context[i].name] = nlohmann::ordered_json::parse(toJsonText(record.context[i]));
    }
    view.contextJson = context.dump();
  } catch (const std::exception& error) {
    return Error{"instance `" + excerptForMessage(record.instanceId) + "`: its context cannot be shown as JSON: " +
                 error.what()};
  }
  return view;
}

Result<std::vector<JournalEntry>> Engine::history(std::string_view instanceId) {
  auto loaded = impl_->loadExisting(instanceId);  // an unknown id is an error, as instance() says
  if (!loaded) return loaded.error();
  return thrownAsError("journal", [&] { return impl_->store->journal(instanceId); });
}

Result<std::vector<JournalEntry>> Engine::history(std::string_view instanceId, std::size_t from, std::size_t limit) {
  auto loaded = impl_->loadExisting(instanceId);
  if (!loaded) return loaded.error();
  return thrownAsError("journalPage", [&] { return impl_->store->journalPage(instanceId, from, limit); });
}

RouteCounters Engine::routeCounters(std::string_view target) const {
  std::shared_lock lock(impl_->bindingsMutex);
  auto found = impl_->routes.find(target);
  return found == impl_->routes.end() ? RouteCounters{} : found->second->counters();
}

void Engine::drainRoutes() {
  // A sink's own delivery is under way until it returns, and a held instance may be what a
  // sink is waiting for: waiting here would never end.
  if (!Impl::mayWaitForSinks()) return;
  // A sink may route to any target, one drained before it too: rounds go on until one in
  // which no queue took an event. Sinks that keep routing to each other would never let that
  // happen; after kMaxDrainRounds what they make is left queued.
  Impl::RouteActivity before = impl_->routeActivity();
  for (int round = 0; round < kMaxDrainRounds; ++round) {
    // Retired queues first: what their sinks fire may be routed to the bound ones. Each
    // delivers what it holds as it is destroyed.
    impl_->takeRetired(true);
    for (const auto& [queue, activity] : before.queues) queue->drain();
    Impl::RouteActivity after = impl_->routeActivity();
    if (after.quiet() && after == before) return;
    before = std::move(after);
  }
  impl_->takeRetired(true);
}

}  // namespace approval::runtime
