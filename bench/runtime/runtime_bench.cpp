// Google Benchmark program for the runtime (docs/PERFORMANCE.md, "Runtime"): the time of one
// approval::runtime::Engine::fire (in-memory store, JIT guards, a VirtualClock) against the
// same machine hand-written as a plain `switch` (the baseline) and written with Boost.MSM.
//
//   runtime_bench                          every benchmark (console table)
//   runtime_bench --self-check             no timing: the engine, the switch, the audited switches
//                                          and Boost.MSM end in the same states, answer for
//                                          answer, on the same event sequences (the ctest
//                                          bench.runtime_self_check)
//   runtime_bench --memory N [--context] [--history]
//                                          starts N idle instances of the seed (--context: the
//                                          seed with a small context) and prints the resident
//                                          memory per instance; --history: then runs each
//                                          through the seed's three events and prints the
//                                          memory per instance with its history
//   runtime_bench --print-dsl MACHINE      the DSL of seed, seed-noroutes, seed-context,
//                                          gen-small, gen-small-guarded, gen-small-payload,
//                                          gen-full, gen-full-guarded
//
// Machines:
//   Seed            examples/leave-approval.seed.dsl verbatim: submit → assignReviewer →
//                   approve (guard hasQuorum(), one vote) per instance, host actions
//                   validatePolicy and notifyReviewers, emit("onApproved"), three route targets
//   SeedNoRoutes    the same without its routes block (what routing costs)
//   SeedTimers      SeedNoRoutes with escalation timers in SUBMITTED and REVIEWING: every
//                   event arms or cancels one (engine only, against the seed's baselines)
//   GenSmall        50 states, 50 events, every state accepts 2 of them (100 transitions, no
//                   guards): the generated machine Boost.MSM can compile
//                   GenSmall/SwitchAudited is its switch with, by hand, what the engine's
//                   contract adds to every event: the instance's lock, the Duplicate check,
//                   a history entry kept with the instance (the floor under any engine);
//                   GenSmall/SwitchLean the same contract laid out as compactly as it allows
//   GenSmallGuarded the same, every transition `if amount > T` (T varies, every guard holds)
//   GenSmallPayload GenSmall whose events each declare `{ n: int }` and carry it (the engine
//                   checks and types it); engine only, against GenSmall's baselines
//   GenFull         50 states x 50 events, every event accepted everywhere (2,500 transitions);
//                   engine and switch only (Boost.MSM cannot compile this table)
//   GenFullGuarded  the same, guarded
//
// One benchmark iteration is one event. Instances run in batches: every instance of a batch is
// started (outside the timed region), then gets its script, one event after another (the seed:
// submit, assignReviewer, approve; the generated machines: 16 events chosen at random among
// those its state accepts, the same 64 scripts for every implementation), then the next
// instance. Every timed event is a real transition; a benchmark whose events are not all
// transitions reports an error. The exceptions are GenSmall/Engine*Redelivered: each
// instance's script is fired once when its batch starts (untimed), and the timed events are
// the same ones again, every one of which must be answered Duplicate; and
// GenSmall/Engine*Refused, whose timed events the instance's state has no transition on,
// every one of which must be answered Rejected. Times are process CPU time
// (MeasureProcessCPUTime: the engine's route workers are threads of their own) and wall time.
//
// The engine's store is a MemoryStore (makeMemoryStore()) behind a forwarding wrapper that
// the benchmark can swap for an empty one before each run (so that every run starts with an
// empty store and the JIT-compiled machine is loaded once per process); the wrapper adds one
// virtual call per store call.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "approval/clock.h"
#include "approval/engine.h"
#include "approval/store.h"
#include "baselines.h"
#include "flow_generator.h"

namespace {

namespace rt = approval::runtime;
namespace rb = approval::bench::runtime;
using rb::GenSpec;

// ---------------------------------------------------------------------------------------
// Machines

enum class MachineKind {
  Seed,
  SeedNoRoutes,
  SeedTimers,
  SeedContext,
  GenSmall,
  GenSmallGuarded,
  GenSmallPayload,
  GenFull,
  GenFullGuarded
};

const std::vector<std::string> kSeedStateNames = {"DRAFT", "SUBMITTED", "REVIEWING", "APPROVED", "REJECTED", "CANCELLED"};
const std::vector<std::string> kSeedEventNames = {"submit", "assignReviewer", "approve"};
const std::vector<std::string> kSeedActors = {"ann", "hr-bot", "bob"};

bool isSeed(MachineKind kind) {
  return kind == MachineKind::Seed || kind == MachineKind::SeedNoRoutes || kind == MachineKind::SeedTimers ||
         kind == MachineKind::SeedContext;
}

GenSpec specOf(MachineKind kind) {
  switch (kind) {
    case MachineKind::GenSmall: return {rb::kGenStates, rb::kGenEvents, rb::kSmallFanout, false};
    case MachineKind::GenSmallGuarded: return {rb::kGenStates, rb::kGenEvents, rb::kSmallFanout, true};
    case MachineKind::GenSmallPayload: return {rb::kGenStates, rb::kGenEvents, rb::kSmallFanout, false, true};
    case MachineKind::GenFull: return {rb::kGenStates, rb::kGenEvents, rb::kGenEvents, false};
    case MachineKind::GenFullGuarded: return {rb::kGenStates, rb::kGenEvents, rb::kGenEvents, true};
    default: return {};
  }
}

std::string readSeed() {
  const std::string path = std::string(APPROVAL_SOURCE_DIR) + "/examples/leave-approval.seed.dsl";
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string dslOf(MachineKind kind) {
  if (!isSeed(kind)) return rb::generateDsl(specOf(kind));
  std::string text = readSeed();
  if (kind == MachineKind::SeedNoRoutes || kind == MachineKind::SeedTimers) {
    const auto begin = text.find("  routes {");
    const auto end = text.find('}', begin);
    if (begin == std::string::npos || end == std::string::npos) throw std::runtime_error("the seed has no routes block");
    text.erase(begin, end + 2 - begin);
  }
  if (kind == MachineKind::SeedTimers) {
    const auto transitions = text.find("  transitions {\n");
    if (transitions == std::string::npos) throw std::runtime_error("the seed has no transitions block");
    text.insert(transitions + std::strlen("  transitions {\n"),
                "    SUBMITTED → CANCELLED after 48h\n    REVIEWING → REJECTED after 5d\n");
  } else if (kind == MachineKind::SeedContext) {
    const auto line = text.find('\n');
    text.insert(line + 1, "  context { days: int = 1  applicant: string = \"\" }\n");
  }
  return text;
}

std::string machineNameOf(MachineKind kind) { return isSeed(kind) ? "leave-approval" : specOf(kind).name(); }

std::string eventName(MachineKind kind, int event) {
  return isSeed(kind) ? kSeedEventNames.at(static_cast<std::size_t>(event)) : "E" + std::to_string(event);
}

int stateNumber(MachineKind kind, const std::string& name) {
  if (isSeed(kind)) {
    for (std::size_t i = 0; i < kSeedStateNames.size(); ++i) {
      if (kSeedStateNames[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  return name.size() > 1 && name[0] == 'S' ? std::atoi(name.c_str() + 1) : -1;
}

// ---------------------------------------------------------------------------------------
// The engine

/// A MemoryStore the benchmark can replace by an empty one between runs.
class ResettableStore final : public rt::Store {
 public:
  void reset() { inner_ = rt::makeMemoryStore(); }
  approval::Result<std::optional<rt::InstanceRecord>> load(std::string_view id) override { return inner_->load(id); }
  approval::Result<rt::CommitStatus> commit(rt::Commit&& commit) override { return inner_->commit(std::move(commit)); }
  approval::Result<bool> record(std::string_view id, const rt::JournalEntry& entry) override {
    return inner_->record(id, entry);
  }
  approval::Result<bool> applied(std::string_view id, std::string_view event) override {
    return inner_->applied(id, event);
  }
  approval::Result<std::vector<rt::JournalEntry>> journal(std::string_view id) override { return inner_->journal(id); }
  approval::Result<std::vector<rt::TimerRecord>> dueTimers(approval::TimestampValue now, std::size_t limit) override {
    return inner_->dueTimers(now, limit);
  }
  approval::Result<std::vector<rt::TimerRecord>> dueTimers(std::string_view id, approval::TimestampValue now) override {
    return inner_->dueTimers(id, now);
  }
  approval::Result<std::optional<approval::TimestampValue>> nextTimer() override { return inner_->nextTimer(); }
  approval::Result<std::size_t> instanceCount() override { return inner_->instanceCount(); }
  rt::StoreSlot* slot(std::string_view id, std::size_t idHash) override { return inner_->slot(id, idHash); }
  rt::DirectOutcome applyDirect(rt::StoreSlot& slot, const rt::DirectEvent& event,
                                const rt::DirectPlanner& planner) override {
    return inner_->applyDirect(slot, event, planner);
  }

 private:
  std::unique_ptr<rt::Store> inner_ = rt::makeMemoryStore();
};

std::atomic<std::uint64_t> routed{0};

/// An engine with one machine loaded: in-memory store (reset-able, or plain), VirtualClock,
/// JIT guards, the seed's host actions and route targets bound.
struct EngineRig {
  ResettableStore* store = nullptr;  // owned by the engine; null when `plain`
  std::unique_ptr<rt::Engine> engine;
  MachineKind kind;

  explicit EngineRig(MachineKind machineKind, bool plainStore = false) : kind(machineKind) {
    rt::EngineOptions options;
    if (plainStore) {
      options.store = rt::makeMemoryStore();
    } else {
      auto resettable = std::make_unique<ResettableStore>();
      store = resettable.get();
      options.store = std::move(resettable);
    }
    options.clock = std::make_shared<rt::VirtualClock>(approval::TimestampValue{1'800'000'000'000'000'000LL});
    options.jit = true;
    engine = std::make_unique<rt::Engine>(std::move(options));
    engine->bindAction("validatePolicy", [](const rt::ActionCall&) {
      rb::hostAction(0);
      return rt::ActionResult::ok();
    });
    engine->bindAction("notifyReviewers", [](const rt::ActionCall&) {
      rb::hostAction(1);
      return rt::ActionResult::ok();
    });
    for (const char* target : {"validator-service", "notification-service", "audit-service"}) {
      engine->bindRoute(target, [](const rt::RoutedEvent&) { routed.fetch_add(1, std::memory_order_relaxed); });
    }
    auto loaded = engine->loadSource(dslOf(kind), machineNameOf(kind) + ".dsl");
    if (!loaded) throw std::runtime_error("loading " + machineNameOf(kind) + " failed:\n" + loaded.error().message);
  }

  void start(const std::string& id, std::int64_t amount = rb::kDefaultAmount) {
    std::string context = "{}";
    if (kind == MachineKind::GenSmallGuarded || kind == MachineKind::GenFullGuarded) {
      context = "{\"amount\": " + std::to_string(amount) + "}";
    } else if (kind == MachineKind::SeedContext) {
      context = R"({"days": 3, "applicant": "ann"})";
    }
    auto started = engine->start({.machine = machineNameOf(kind), .instanceId = id, .tenantId = "acme", .contextJson = context});
    if (!started) throw std::runtime_error("start " + id + ": " + started.error().message);
  }
};

EngineRig& rigOf(MachineKind kind) {
  static std::map<MachineKind, std::unique_ptr<EngineRig>> rigs;
  auto& rig = rigs[kind];
  if (!rig) rig = std::make_unique<EngineRig>(kind);
  return *rig;
}

int answerCode(const rt::FireAnswer& answer) {
  switch (answer.kind) {
    case rt::FireAnswer::Kind::Transitioned: return 1;
    case rt::FireAnswer::Kind::Stayed: return 2;
    case rt::FireAnswer::Kind::Rejected: return 0;
    default: return -1;  // Duplicate or Failed: never expected here
  }
}

// ---------------------------------------------------------------------------------------
// Scripts: the events one instance gets

struct Script {
  std::vector<int> events;
  std::vector<rt::Event> engineEvents;  // ids unique within the instance: "e1", "e2", ...
};

Script makeScript(MachineKind kind, std::vector<int> events) {
  Script script;
  script.events = std::move(events);
  for (std::size_t i = 0; i < script.events.size(); ++i) {
    rt::Event event;
    event.id = "e" + std::to_string(i + 1);
    event.name = eventName(kind, script.events[i]);
    event.actor = isSeed(kind) ? kSeedActors[static_cast<std::size_t>(script.events[i])] : "actor-" + std::to_string(i % 3);
    if (kind == MachineKind::GenSmallPayload) event.payload.emplace("n", approval::Value(static_cast<std::int64_t>(i)));
    script.engineEvents.push_back(std::move(event));
  }
  return script;
}

/// Deterministic on every platform (std::uniform_int_distribution is not).
struct Rng {
  std::uint64_t x;
  explicit Rng(std::uint64_t seed) : x(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  std::uint32_t next(std::uint32_t bound) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return static_cast<std::uint32_t>((x >> 11) % bound);
  }
};

constexpr std::size_t kScripts = 64;
constexpr std::size_t kGenScriptLength = 16;

/// The benchmark scripts: the seed's one path, or 64 random walks over accepted events.
const std::vector<Script>& benchScripts(MachineKind kind) {
  static std::map<MachineKind, std::vector<Script>> cache;
  auto& scripts = cache[kind];
  if (!scripts.empty()) return scripts;
  if (isSeed(kind)) {
    scripts.push_back(makeScript(kind, {rb::kSubmit, rb::kAssignReviewer, rb::kApprove}));
    return scripts;
  }
  const GenSpec spec = specOf(kind);
  Rng rng(42);
  for (std::size_t s = 0; s < kScripts; ++s) {
    std::vector<int> events;
    int state = 0;
    for (std::size_t i = 0; i < kGenScriptLength; ++i) {
      const int event = spec.acceptedEvent(state, static_cast<int>(rng.next(static_cast<std::uint32_t>(spec.fanout))));
      events.push_back(event);
      state = spec.target(state, event);
    }
    scripts.push_back(makeScript(kind, std::move(events)));
  }
  return scripts;
}

// ---------------------------------------------------------------------------------------
// The three implementations behind one interface for the benchmark loop

/// How the benchmark names the instance to `fire`: by id, or through an InstanceHandle
/// taken when the instance starts (outside the timed region, like the start itself).
enum class InstanceBy { Id, Handle };

template <InstanceBy By>
class EngineImpl {
 public:
  explicit EngineImpl(MachineKind kind) : rig_(rigOf(kind)) {}
  void beginRun() {
    rig_.store->reset();
    next_ = 0;
  }
  void startBatch(std::size_t batch) {
    ids_.resize(batch);
    handles_.clear();
    for (auto& id : ids_) {
      id = "i-" + std::to_string(next_++);
      rig_.start(id);
      if constexpr (By == InstanceBy::Handle) {
        auto handle = rig_.engine->handle(id);
        if (!handle) throw std::runtime_error(handle.error().message);
        handles_.push_back(std::move(handle).value());
      }
    }
  }
  int fire(std::size_t instance, const Script& script, std::size_t step) {
    return answerCode(answer(instance, script.engineEvents[step]));
  }
  rt::FireAnswer answer(std::size_t instance, const rt::Event& event) {
    if constexpr (By == InstanceBy::Handle) {
      return rig_.engine->fire(handles_[instance], event);
    } else {
      return rig_.engine->fire(ids_[instance], event);
    }
  }

 private:
  EngineRig& rig_;
  std::vector<std::string> ids_;
  std::vector<rt::InstanceHandle> handles_;
  std::size_t next_ = 0;
};

/// The engine with every event sent twice: each batch's instances get their scripts once
/// (untimed, when the batch starts), and the timed events are the same ones again, each
/// answered Duplicate (what an at-least-once delivery costs when it redelivers).
template <InstanceBy By>
class RedeliveredImpl {
 public:
  explicit RedeliveredImpl(MachineKind kind) : engine_(kind), scripts_(benchScripts(kind)) {}
  void beginRun() {
    engine_.beginRun();
    started_ = 0;
  }
  void startBatch(std::size_t batch) {
    engine_.startBatch(batch);
    for (std::size_t instance = 0; instance < batch; ++instance) {
      const Script& script = scripts_[(started_ + instance) % scripts_.size()];
      for (const auto& event : script.engineEvents) (void)engine_.answer(instance, event);
    }
    started_ += batch;
  }
  /// 1 for the expected answer, Duplicate.
  int fire(std::size_t instance, const Script& script, std::size_t step) {
    return engine_.answer(instance, script.engineEvents[step]).kind == rt::FireAnswer::Kind::Duplicate ? 1 : 0;
  }

 private:
  EngineImpl<By> engine_;
  const std::vector<Script>& scripts_;
  std::size_t started_ = 0;
};

/// The engine with every timed event one that its instance's state has no transition on,
/// each answered Rejected (what a stream of stale or misrouted events costs). The instances
/// stay in their initial state S0, which accepts E0 and E1: they get E2, E3, ... instead.
template <InstanceBy By>
class RefusedImpl {
 public:
  explicit RefusedImpl(MachineKind kind) : engine_(kind) {
    std::vector<int> refused(kGenScriptLength);
    for (std::size_t i = 0; i < refused.size(); ++i) refused[i] = static_cast<int>(i + 2);
    refused_ = makeScript(kind, std::move(refused));
  }
  void beginRun() { engine_.beginRun(); }
  void startBatch(std::size_t batch) { engine_.startBatch(batch); }
  /// 1 for the expected answer, Rejected.
  int fire(std::size_t instance, const Script& /*script*/, std::size_t step) {
    return engine_.answer(instance, refused_.engineEvents[step]).kind == rt::FireAnswer::Kind::Rejected ? 1 : 0;
  }

 private:
  EngineImpl<By> engine_;
  Script refused_;
};

template <int (*Fire)(rb::SwitchInstance&, int)>
class SwitchImpl {
 public:
  void beginRun() {}
  void startBatch(std::size_t batch) { instances_.assign(batch, rb::SwitchInstance{}); }
  int fire(std::size_t instance, const Script& script, std::size_t step) {
    return Fire(instances_[instance], script.events[step]);
  }

 private:
  std::vector<rb::SwitchInstance> instances_;
};

template <class Pool, Pool* (*Make)(std::size_t)>
class MsmImpl {
 public:
  void beginRun() {}
  void startBatch(std::size_t batch) {
    if (!pool_ || size_ != batch) {
      if (pool_) rb::destroy(pool_);
      pool_ = Make(batch);
      size_ = batch;
    }
    rb::restart(pool_, rb::kDefaultAmount);
  }
  int fire(std::size_t instance, const Script& script, std::size_t step) {
    return rb::fire(pool_, instance, script.events[step]);
  }
  ~MsmImpl() {
    if (pool_) rb::destroy(pool_);
  }

 private:
  Pool* pool_ = nullptr;
  std::size_t size_ = 0;
};

/// GenSmall's switch with the contract's per-event work written by hand (baselines.h), plainly
/// (rb::AuditedPool) or compactly (rb::LeanPool). Each batch has new instances and the run
/// keeps every batch's, as the engine's store keeps every instance it started with its
/// history: the memory a history takes is part of the contract.
template <class Pool, Pool* (*Make)(std::size_t),
          int (*Fire)(Pool*, std::size_t, int, std::string_view, std::string_view, std::int64_t)>
class AuditedImpl {
 public:
  void beginRun() { pools_.clear(); }
  void startBatch(std::size_t batch) { pools_.emplace_back(Make(batch), &destroyPool); }
  int fire(std::size_t instance, const Script& script, std::size_t step) {
    const rt::Event& event = script.engineEvents[step];
    return Fire(pools_.back().get(), instance, script.events[step], event.id, event.actor, kAuditedTime);
  }

 private:
  static void destroyPool(Pool* pool) { rb::destroy(pool); }
  static constexpr std::int64_t kAuditedTime = 1'800'000'000'000'000'000LL;
  std::vector<std::unique_ptr<Pool, void (*)(Pool*)>> pools_;
};

/// Instances per batch: enough events per batch (about 50,000) that pausing the timer between
/// batches is negligible even for the switch.
std::size_t batchSize(MachineKind kind) { return isSeed(kind) ? 16384 : 4096; }

template <class Impl>
void runMachine(benchmark::State& state, Impl& impl, MachineKind kind) {
  const std::vector<Script>& scripts = benchScripts(kind);
  const std::size_t batch = batchSize(kind);
  impl.beginRun();
  impl.startBatch(batch);
  std::size_t instance = 0;
  std::size_t step = 0;
  std::size_t started = 0;  // instances started before this batch
  const Script* script = &scripts[0];
  std::int64_t transitions = 0;
  for (auto _ : state) {
    const int code = impl.fire(instance, *script, step);
    transitions += code == 1;
    if (++step == script->events.size()) {
      step = 0;
      if (++instance == batch) {
        state.PauseTiming();
        started += batch;
        impl.startBatch(batch);
        instance = 0;
        state.ResumeTiming();
      }
      script = &scripts[(started + instance) % scripts.size()];
    }
  }
  if (transitions != static_cast<std::int64_t>(state.iterations())) {
    state.SkipWithError("an event did not get the expected answer (Transitioned; Redelivered: Duplicate; Refused: "
                        "Rejected)");
    return;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["events_per_instance"] = static_cast<double>(scripts[0].events.size());
}

/// An engine implementation's run; loading or starting failures skip the benchmark.
template <class Impl>
void runEngine(benchmark::State& state, MachineKind kind) {
  try {
    Impl impl(kind);
    runMachine(state, impl, kind);
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
  }
}

template <MachineKind Kind, InstanceBy By = InstanceBy::Id>
void BM_Engine(benchmark::State& state) {
  runEngine<EngineImpl<By>>(state, Kind);
}

template <MachineKind Kind, InstanceBy By>
void BM_EngineRedelivered(benchmark::State& state) {
  runEngine<RedeliveredImpl<By>>(state, Kind);
}

template <MachineKind Kind, InstanceBy By>
void BM_EngineRefused(benchmark::State& state) {
  runEngine<RefusedImpl<By>>(state, Kind);
}

template <MachineKind Kind, int (*Fire)(rb::SwitchInstance&, int)>
void BM_Switch(benchmark::State& state) {
  SwitchImpl<Fire> impl;
  runMachine(state, impl, Kind);
}

void BM_SwitchAudited(benchmark::State& state) {
  AuditedImpl<rb::AuditedPool, rb::makeAuditedPool, rb::fireAudited> impl;
  runMachine(state, impl, MachineKind::GenSmall);
}

void BM_SwitchLean(benchmark::State& state) {
  AuditedImpl<rb::LeanPool, rb::makeLeanPool, rb::fireLean> impl;
  runMachine(state, impl, MachineKind::GenSmall);
}

template <MachineKind Kind, class Pool, Pool* (*Make)(std::size_t)>
void BM_Msm(benchmark::State& state) {
  MsmImpl<Pool, Make> impl;
  runMachine(state, impl, Kind);
}

#define RUNTIME_BENCHMARK(...) BENCHMARK(__VA_ARGS__)->MeasureProcessCPUTime()

// clang-format off
RUNTIME_BENCHMARK(BM_Switch<MachineKind::Seed, rb::switchSeed>)->Name("Seed/Switch");
RUNTIME_BENCHMARK(BM_Msm<MachineKind::Seed, rb::MsmSeedPool, rb::makeMsmSeedPool>)->Name("Seed/MSM");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::Seed>)->Name("Seed/Engine");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::Seed, InstanceBy::Handle>)->Name("Seed/EngineHandle");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::SeedNoRoutes>)->Name("SeedNoRoutes/Engine");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::SeedNoRoutes, InstanceBy::Handle>)->Name("SeedNoRoutes/EngineHandle");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::SeedTimers>)->Name("SeedTimers/Engine");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::SeedTimers, InstanceBy::Handle>)->Name("SeedTimers/EngineHandle");
RUNTIME_BENCHMARK(BM_Switch<MachineKind::GenSmall, rb::switchGenSmall>)->Name("GenSmall/Switch");
RUNTIME_BENCHMARK(BM_Msm<MachineKind::GenSmall, rb::MsmGenPool, rb::makeMsmGenPool>)->Name("GenSmall/MSM");
RUNTIME_BENCHMARK(BM_SwitchAudited)->Name("GenSmall/SwitchAudited");
RUNTIME_BENCHMARK(BM_SwitchLean)->Name("GenSmall/SwitchLean");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenSmall>)->Name("GenSmall/Engine");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenSmall, InstanceBy::Handle>)->Name("GenSmall/EngineHandle");
RUNTIME_BENCHMARK(BM_Switch<MachineKind::GenSmallGuarded, rb::switchGenSmallGuarded>)->Name("GenSmallGuarded/Switch");
RUNTIME_BENCHMARK(BM_Msm<MachineKind::GenSmallGuarded, rb::MsmGenGuardedPool, rb::makeMsmGenGuardedPool>)->Name("GenSmallGuarded/MSM");
RUNTIME_BENCHMARK(BM_EngineRedelivered<MachineKind::GenSmall, InstanceBy::Id>)->Name("GenSmall/EngineRedelivered");
RUNTIME_BENCHMARK(BM_EngineRedelivered<MachineKind::GenSmall, InstanceBy::Handle>)
    ->Name("GenSmall/EngineHandleRedelivered");
RUNTIME_BENCHMARK(BM_EngineRefused<MachineKind::GenSmall, InstanceBy::Id>)->Name("GenSmall/EngineRefused");
RUNTIME_BENCHMARK(BM_EngineRefused<MachineKind::GenSmall, InstanceBy::Handle>)->Name("GenSmall/EngineHandleRefused");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenSmallGuarded>)->Name("GenSmallGuarded/Engine");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenSmallGuarded, InstanceBy::Handle>)->Name("GenSmallGuarded/EngineHandle");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenSmallPayload>)->Name("GenSmallPayload/Engine");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenSmallPayload, InstanceBy::Handle>)->Name("GenSmallPayload/EngineHandle");
RUNTIME_BENCHMARK(BM_Switch<MachineKind::GenFull, rb::switchGenFull>)->Name("GenFull/Switch");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenFull>)->Name("GenFull/Engine");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenFull, InstanceBy::Handle>)->Name("GenFull/EngineHandle");
RUNTIME_BENCHMARK(BM_Switch<MachineKind::GenFullGuarded, rb::switchGenFullGuarded>)->Name("GenFullGuarded/Switch");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenFullGuarded>)->Name("GenFullGuarded/Engine");
RUNTIME_BENCHMARK(BM_Engine<MachineKind::GenFullGuarded, InstanceBy::Handle>)->Name("GenFullGuarded/EngineHandle");
// clang-format on

// ---------------------------------------------------------------------------------------
// --self-check: behaviour, no timing

/// One implementation's view of one instance for the self-check.
struct Step {
  int code;
  int state;
};

struct SelfCheck {
  int failures = 0;
  std::size_t events = 0;
  std::size_t sequences = 0;
  std::map<int, std::size_t> codes;  // answer code -> count (engine)

  void fail(const std::string& message) {
    if (++failures <= 20) std::cerr << "self-check: " << message << "\n";
  }
};

std::string describe(const std::vector<int>& events) {
  std::string out;
  for (const int e : events) out += (out.empty() ? "" : " ") + std::to_string(e);
  return out;
}

/// Runs `events` on a fresh instance of every implementation given and compares answer and
/// state after every event. `msmFire`/`msmState` may be null (no MSM for this machine).
void checkSequence(SelfCheck& check, EngineRig& rig, MachineKind kind, int (*switchFire)(rb::SwitchInstance&, int),
                   const std::function<void(std::int64_t)>& msmRestart, const std::function<int(int)>& msmFire,
                   const std::function<int()>& msmState, const std::vector<int>& events, std::int64_t amount) {
  static std::size_t counter = 0;
  const std::string id = "check-" + std::to_string(counter++);
  rig.start(id, amount);
  const Script script = makeScript(kind, events);
  rb::SwitchInstance sw;
  sw.amount = amount;
  if (msmRestart) msmRestart(amount);
  ++check.sequences;
  for (std::size_t i = 0; i < events.size(); ++i) {
    ++check.events;
    const rt::FireAnswer answer = rig.engine->fire(id, script.engineEvents[i]);
    const int engineCode = answerCode(answer);
    ++check.codes[engineCode];
    auto view = rig.engine->instance(id);
    const int engineState = view ? stateNumber(kind, view.value().state) : -2;
    const int switchCode = switchFire(sw, events[i]);
    const std::string where = machineNameOf(kind) + " amount " + std::to_string(amount) + " events [" +
                              describe(events) + "] at event " + std::to_string(i);
    if (engineCode != switchCode || engineState != sw.state) {
      check.fail(where + ": engine " + std::to_string(engineCode) + "/S" + std::to_string(engineState) + " (" +
                 answer.reason + "), switch " + std::to_string(switchCode) + "/S" + std::to_string(sw.state));
    }
    if (msmFire) {
      const int msmCode = msmFire(events[i]);
      const int msmStateNow = msmState();
      if (msmCode != switchCode || msmStateNow != sw.state) {
        check.fail(where + ": MSM " + std::to_string(msmCode) + "/S" + std::to_string(msmStateNow) + ", switch " +
                   std::to_string(switchCode) + "/S" + std::to_string(sw.state));
      }
    }
  }
}

template <class Pool>
void checkMachine(SelfCheck& check, MachineKind kind, int (*switchFire)(rb::SwitchInstance&, int), Pool* pool) {
  EngineRig rig(kind);
  std::function<void(std::int64_t)> msmRestart;
  std::function<int(int)> msmFire;
  std::function<int()> msmState;
  if (pool != nullptr) {
    msmRestart = [pool](std::int64_t amount) { rb::restart(pool, amount); };
    msmFire = [pool](int event) { return rb::fire(pool, 0, event); };
    msmState = [pool] { return rb::state(pool, 0); };
  }
  const bool guarded = kind == MachineKind::GenSmallGuarded || kind == MachineKind::GenFullGuarded;
  const std::vector<std::int64_t> amounts = guarded ? std::vector<std::int64_t>{rb::kDefaultAmount, 500, 0}
                                                    : std::vector<std::int64_t>{rb::kDefaultAmount};
  // The benchmark scripts themselves: every event a transition, in every implementation.
  const std::size_t before = check.codes[1];
  std::size_t scriptEvents = 0;
  for (const auto& script : benchScripts(kind)) {
    checkSequence(check, rig, kind, switchFire, msmRestart, msmFire, msmState, script.events, rb::kDefaultAmount);
    scriptEvents += script.events.size();
  }
  if (check.codes[1] - before != scriptEvents) check.fail(machineNameOf(kind) + ": a benchmark event was not a transition");
  // Random sequences over every event: accepted ones (half the time) and any event at all.
  const int eventCount = isSeed(kind) ? rb::kSeedEvents : rb::kGenEvents;
  const GenSpec spec = specOf(kind);
  Rng rng(7);
  for (const std::int64_t amount : amounts) {
    for (int sequence = 0; sequence < 150; ++sequence) {
      std::vector<int> events;
      const std::size_t length = rng.next(isSeed(kind) ? 8 : 40);
      rb::SwitchInstance shadow;  // where the switch is, to pick accepted events
      shadow.amount = amount;
      for (std::size_t i = 0; i < length; ++i) {
        int event = static_cast<int>(rng.next(static_cast<std::uint32_t>(eventCount)));
        if (!isSeed(kind) && rng.next(2) == 0) {
          event = spec.acceptedEvent(shadow.state, static_cast<int>(rng.next(static_cast<std::uint32_t>(spec.fanout))));
        }
        events.push_back(event);
        (void)switchFire(shadow, event);
      }
      checkSequence(check, rig, kind, switchFire, msmRestart, msmFire, msmState, events, amount);
    }
  }
}

/// An audited switch (plain or lean) answers as the switch does, then answers every id again as a
/// Duplicate without moving, recording every event either way.
template <class Pool, Pool* (*Make)(std::size_t),
          int (*Fire)(Pool*, std::size_t, int, std::string_view, std::string_view, std::int64_t)>
void checkAudited(SelfCheck& check, const std::string& name) {
  auto* pool = Make(1);
  std::vector<std::vector<int>> sequences;
  for (const auto& script : benchScripts(MachineKind::GenSmall)) sequences.push_back(script.events);
  Rng rng(11);
  for (int sequence = 0; sequence < 100; ++sequence) {  // any events, most of them refused
    std::vector<int> events(rng.next(40));
    for (int& event : events) event = static_cast<int>(rng.next(rb::kGenEvents));
    sequences.push_back(std::move(events));
  }
  for (const auto& events : sequences) {
    rb::restart(pool);
    const Script script = makeScript(MachineKind::GenSmall, events);
    rb::SwitchInstance sw;
    std::size_t applied = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const rt::Event& event = script.engineEvents[i];
      const int code = Fire(pool, 0, events[i], event.id, event.actor, 0);
      const int expected = rb::switchGenSmall(sw, events[i]);
      applied += expected == 1;
      if (code != expected || rb::state(pool, 0) != sw.state) {
        check.fail(name + ": events [" + describe(events) + "] at event " + std::to_string(i) + ": " +
                   std::to_string(code) + "/S" + std::to_string(rb::state(pool, 0)) + ", switch " +
                   std::to_string(expected) + "/S" + std::to_string(sw.state));
      }
    }
    std::size_t duplicates = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const rt::Event& event = script.engineEvents[i];
      const int state = rb::state(pool, 0);
      const int code = Fire(pool, 0, events[i], event.id, event.actor, 0);
      duplicates += code == 3;
      if (code == 3 && rb::state(pool, 0) != state) check.fail(name + ": a Duplicate moved the instance");
    }
    // Refused ids were never applied: sent again, they are not Duplicates (they may transition).
    if (duplicates != applied) check.fail(name + ": the applied ids, and only they, are Duplicates when sent again");
    if (rb::historySize(pool, 0) != 2 * events.size()) check.fail(name + ": an event was not recorded");
  }
  rb::destroy(pool);
}

int selfCheck() {
  SelfCheck check;
  checkAudited<rb::AuditedPool, rb::makeAuditedPool, rb::fireAudited>(check, "audited switch");
  checkAudited<rb::LeanPool, rb::makeLeanPool, rb::fireLean>(check, "lean switch");
  try {
    for (const MachineKind kind : {MachineKind::Seed, MachineKind::SeedNoRoutes, MachineKind::SeedTimers}) {
      auto* pool = rb::makeMsmSeedPool(1);
      checkMachine(check, kind, rb::switchSeed, pool);
      rb::destroy(pool);
    }
    for (const MachineKind kind : {MachineKind::GenSmall, MachineKind::GenSmallPayload}) {
      auto* pool = rb::makeMsmGenPool(1);
      checkMachine(check, kind, rb::switchGenSmall, pool);
      rb::destroy(pool);
    }
    {
      auto* pool = rb::makeMsmGenGuardedPool(1);
      checkMachine(check, MachineKind::GenSmallGuarded, rb::switchGenSmallGuarded, pool);
      rb::destroy(pool);
    }
    checkMachine<rb::MsmGenPool>(check, MachineKind::GenFull, rb::switchGenFull, nullptr);
    checkMachine<rb::MsmGenPool>(check, MachineKind::GenFullGuarded, rb::switchGenFullGuarded, nullptr);
  } catch (const std::exception& error) {
    check.fail(error.what());
  }
  // Every kind of answer the comparison is about must have occurred.
  for (const int code : {0, 1, 2}) {
    if (check.codes[code] == 0) check.fail("no event answered with code " + std::to_string(code));
  }
  if (check.codes[-1] != 0) check.fail("some events were Duplicate or Failed");
  std::cout << "runtime self-check: " << check.sequences << " sequences, " << check.events
            << " events; engine answers: " << check.codes[1] << " transitioned, " << check.codes[2] << " stayed, "
            << check.codes[0] << " rejected; " << (check.failures == 0 ? "engine, switch, audited switches and MSM agree" : "MISMATCHES")
            << "\n";
  return check.failures == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------
// --memory N [--context] [--history]

struct MemorySample {
  std::size_t residentBytes;
  std::size_t mallocInUse;
};

MemorySample sampleMemory() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0;
  std::size_t resident = 0;
  statm >> size >> resident;
  const struct mallinfo2 info = mallinfo2();
  return {resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE)), info.uordblks + info.hblkhd};
}

void printPerInstance(const char* what, const MemorySample& before, const MemorySample& after, std::size_t count) {
  const double perRss = static_cast<double>(after.residentBytes - before.residentBytes) / static_cast<double>(count);
  const double perMalloc = static_cast<double>(after.mallocInUse - before.mallocInUse) / static_cast<double>(count);
  std::cout << what << ": resident before " << before.residentBytes / 1024 << " KiB, after "
            << after.residentBytes / 1024 << " KiB\n  resident bytes per instance: " << perRss
            << "\n  malloc'd bytes per instance (mallinfo2): " << perMalloc << "\n";
}

int memoryRun(std::size_t count, bool withContext, bool withHistory) {
  const MachineKind kind = withContext ? MachineKind::SeedContext : MachineKind::Seed;
  EngineRig rig(kind, /*plainStore=*/true);
  rig.start("warm-up");  // one-time allocations (the interned machine hash, the first buckets)
  const MemorySample before = sampleMemory();
  char id[32];
  for (std::size_t i = 0; i < count; ++i) {
    std::snprintf(id, sizeof id, "L-%07zu", i);
    rig.start(id);
  }
  const MemorySample idle = sampleMemory();
  const std::size_t contextValues = withContext ? 2 : 0;
  std::cout << "machine: " << (withContext ? "seed + context { days: int, applicant: string }" : "seed (empty context)")
            << "\ninstances: " << count << " (ids \"L-0000000\"..., tenant \"acme\")\n";
  printPerInstance("idle (no events)", before, idle, count);
  std::cout << "context data per instance: " << contextValues << " values x sizeof(Value) " << sizeof(approval::Value)
            << " = " << contextValues * sizeof(approval::Value) << " bytes (+ its vector's allocation)\n";
  const std::string expected = withHistory ? "APPROVED" : "DRAFT";
  if (withHistory) {
    const Script script = makeScript(kind, {0, 1, 2});  // submit, assignReviewer, approve
    for (std::size_t i = 0; i < count; ++i) {
      std::snprintf(id, sizeof id, "L-%07zu", i);
      for (const auto& event : script.engineEvents) (void)rig.engine->fire(id, event);
    }
    rig.engine->drainRoutes();
    printPerInstance("after the seed's three events (history: 3 entries each)", before, sampleMemory(), count);
  }
  auto instance = rig.engine->instance("L-0000000");
  if (!instance || instance.value().state != expected) {
    std::cerr << "memory: instance L-0000000 is not in " << expected << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--self-check") == 0) return selfCheck();
  if (argc >= 3 && std::strcmp(argv[1], "--memory") == 0) {
    bool withContext = false;
    bool withHistory = false;
    for (int i = 3; i < argc; ++i) {
      withContext = withContext || std::strcmp(argv[i], "--context") == 0;
      withHistory = withHistory || std::strcmp(argv[i], "--history") == 0;
    }
    return memoryRun(static_cast<std::size_t>(std::strtoull(argv[2], nullptr, 10)), withContext, withHistory);
  }
  if (argc >= 3 && std::strcmp(argv[1], "--print-dsl") == 0) {
    const std::map<std::string, MachineKind> kinds = {
        {"seed", MachineKind::Seed},          {"seed-noroutes", MachineKind::SeedNoRoutes},
        {"seed-timers", MachineKind::SeedTimers},
        {"seed-context", MachineKind::SeedContext}, {"gen-small", MachineKind::GenSmall},
        {"gen-small-guarded", MachineKind::GenSmallGuarded}, {"gen-small-payload", MachineKind::GenSmallPayload},
        {"gen-full", MachineKind::GenFull},
        {"gen-full-guarded", MachineKind::GenFullGuarded}};
    auto found = kinds.find(argv[2]);
    if (found == kinds.end()) {
      std::cerr << "unknown machine " << argv[2] << "\n";
      return 2;
    }
    std::cout << dslOf(found->second);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
