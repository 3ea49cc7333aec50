// libFuzzer harness: the runtime driven by an events file, the way `approvalc run FILE --events
// E.jsonl [--context C.json]` drives it (tools/approvalc/run_command.cpp, replicated here
// without the printing).
//
// Input: byte 0 picks the machine (byte % 5):
//   0 examples/leave-approval.seed.dsl   (context {})
//   1 examples/leave-escalation.dsl      (examples/leave-escalation.context.json)
//   2 examples/expense-tiers.dsl         (examples/expense-tiers.context.json)
//   3 examples/loan-quorum.dsl           (examples/loan-quorum.context.json)
//   4 examples/expense-tiers.dsl         (examples/expense-tiers.small-claim.context.json)
// the rest is the events file, read line by line with nextLine/readEventLine.
//
// The machines are compiled once. Each input gets a fresh instance. By default each input also
// gets a fresh Engine and VirtualClock at 2024-01-01T00:00:00Z (exactly what the CLI does, so
// every input reproduces with `approvalc run`); FUZZ_EV_REUSE=N keeps an engine per machine for N
// inputs instead (faster with the JIT, but inputs then share the clock and the timers).
// FUZZ_EV_NOJIT=1 runs guards in the reference interpreter.
#include <dlfcn.h>
#include <pthread.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "approval/compiler.h"
#include "approval/engine.h"
#include "event_lines.h"

using namespace approval;


// Speed only: the compiler runs every parse (also of each `time`/duration text an event line
// carries) on a fresh thread with a 256 MiB stack (compiler/pipeline/large_stack.h), and ASan
// clears that stack's 32 MiB of shadow memory each time, ~20 ms per event line. The inputs this
// harness compiles are shallow, so threads get at most 16 MiB here (FUZZ_EV_FULL_STACK=1: as is).
extern "C" int pthread_attr_setstacksize(pthread_attr_t* attributes, std::size_t bytes) {
  using Real = int (*)(pthread_attr_t*, std::size_t);
  static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "pthread_attr_setstacksize"));
  static const bool full = std::getenv("FUZZ_EV_FULL_STACK") != nullptr;
  return real(attributes, full ? bytes : std::min<std::size_t>(bytes, 16u << 20));
}

namespace {

struct MachineSpec {
  const char* dsl;
  const char* context;  // nullptr: {}
};
constexpr MachineSpec kSpecs[] = {
    {"leave-approval.seed.dsl", nullptr},
    {"leave-escalation.dsl", "leave-escalation.context.json"},
    {"expense-tiers.dsl", "expense-tiers.context.json"},
    {"loan-quorum.dsl", "loan-quorum.context.json"},
    {"expense-tiers.dsl", "expense-tiers.small-claim.context.json"},
};
constexpr std::size_t kMachines = sizeof(kSpecs) / sizeof(kSpecs[0]);

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::abort();
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Prepared {
  ir::Machine machine;
  std::string context;
};

struct Live {
  std::shared_ptr<runtime::VirtualClock> clock;
  std::unique_ptr<runtime::Engine> engine;
  std::size_t uses = 0;
};

Prepared gPrepared[kMachines];
Live gLive[kMachines];
std::size_t gReuse = 1;
bool gJit = true;
std::uint64_t gInstance = 0;
const TimestampValue kStart{1704067200LL * 1'000'000'000LL};  // 2024-01-01T00:00:00Z

void newEngine(std::size_t m) {
  Live& live = gLive[m];
  live.engine.reset();
  live.clock = std::make_shared<runtime::VirtualClock>(kStart);
  runtime::EngineOptions options;
  options.clock = live.clock;
  options.jit = gJit;
  options.optimizationLevel = 2;  // the CLI's default
  live.engine = std::make_unique<runtime::Engine>(std::move(options));
  const ir::Machine& machine = gPrepared[m].machine;
  for (const auto& action : machine.hostActions) {
    live.engine->bindAction(action.name, [](const runtime::ActionCall& call) {
      volatile std::size_t n = call.arguments.size();
      (void)n;
      return runtime::ActionResult::ok();
    });
  }
  for (const auto& route : machine.routes) {
    for (const auto& target : route.targets) {
      live.engine->bindRoute(target, [](const runtime::RoutedEvent&) {},
                             runtime::RouteOptions{.linger = std::chrono::microseconds(0)});  // no batching wait
    }
  }
  ir::Program program;
  program.machines.push_back(machine);
  if (auto loaded = live.engine->loadProgram(std::move(program)); !loaded) {
    std::fprintf(stderr, "load failed: %s\n", loaded.error().message.c_str());
    std::abort();
  }
  live.uses = 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* v = std::getenv("FUZZ_EV_REUSE")) gReuse = std::max<long>(1, std::atol(v));
  if (const char* v = std::getenv("FUZZ_EV_NOJIT")) gJit = v[0] != '1';
  for (std::size_t m = 0; m < kMachines; ++m) {
    const std::string dir = APPROVAL_EXAMPLES_DIR;
    auto compilation = compile({InputFile{kSpecs[m].dsl, readFile(dir + "/" + kSpecs[m].dsl)}});
    if (compilation->diagnostics.hasErrors() || compilation->program.machines.size() != 1) {
      std::fprintf(stderr, "example %s does not compile\n", kSpecs[m].dsl);
      std::abort();
    }
    gPrepared[m].machine = compilation->program.machines.front();
    gPrepared[m].context = kSpecs[m].context ? readFile(dir + "/" + kSpecs[m].context) : "{}";
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t m = data[0] % kMachines;
  if (!gLive[m].engine || gLive[m].uses >= gReuse) newEngine(m);
  Live& live = gLive[m];
  ++live.uses;
  runtime::Engine& engine = *live.engine;
  runtime::VirtualClock& clock = *live.clock;

  const std::string instanceId = "run-" + std::to_string(++gInstance);
  if (auto started = engine.start({gPrepared[m].machine.name, instanceId, "simulation", gPrepared[m].context});
      !started) {
    std::fprintf(stderr, "start failed: %s\n", started.error().message.c_str());
    std::abort();
  }

  auto runTimers = [&] {
    (void)engine.runDueTimers([](const std::string&, const runtime::FireAnswer&) {});
    engine.drainRoutes();
    (void)engine.nextTimerDue();
  };

  std::istringstream events(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  const std::size_t maxBytes = InputLimits{}.maxFileBytes;
  std::string text;
  std::size_t lineNumber = 0;
  for (driver::LineRead found = driver::nextLine(events, text, maxBytes);
       found != driver::LineRead::End && found != driver::LineRead::Endless;
       found = driver::nextLine(events, text, maxBytes)) {
    ++lineNumber;
    if (found == driver::LineRead::TooLong) continue;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    driver::ReadLine read = driver::readEventLine(text, lineNumber);
    if (std::get_if<driver::BadLine>(&read)) continue;
    if (auto* advance = std::get_if<driver::ClockAdvance>(&read)) {
      if (advance->by.nanoseconds > std::numeric_limits<std::int64_t>::max() - clock.now().nanoseconds) continue;
      clock.advance(advance->by);
      runTimers();
      continue;
    }
    auto& line = std::get<driver::EventLine>(read);
    runtime::Event& event = line.event;
    if (line.payload) {
      auto payload = engine.payloadFromJson(instanceId, event.name, line.payload->dump());
      if (!payload) continue;
      event.payload = std::move(payload).value();
    }
    if (event.time && event.time->nanoseconds > clock.now().nanoseconds) {
      clock.set(*event.time);
      runTimers();
    }
    (void)engine.fire(instanceId, event);
    engine.drainRoutes();
  }
  (void)engine.instance(instanceId);
  (void)engine.history(instanceId);
  if (gReuse == 1) live.engine.reset();  // fresh each input: nothing carried over
  return 0;
}
