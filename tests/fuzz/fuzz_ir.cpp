// libFuzzer harness: IR JSON text -> parseIr (the loader), a write/read round trip, then the
// engine: load the program (reference interpreter; FUZZ_IR_JIT=1 in the environment: the JIT),
// bind every host action and route target it names, start one instance of each machine with
// `{}` as its context and fire each of its events once, then move the clock and run timers.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "approval/engine.h"
#include "approval/graph.h"
#include "approval/ir_json.h"
#include "ir_round_trip.h"

using namespace approval;

namespace {
bool verbose() {
  static const bool on = std::getenv("FUZZ_VERBOSE") != nullptr;
  return on;
}

bool useJit() {
  static const bool jit = [] {
    const char* v = std::getenv("FUZZ_IR_JIT");
    return v != nullptr && v[0] == '1';
  }();
  return jit;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto program = parseIr(text);
  if (!program) {
    if (verbose()) std::fprintf(stderr, "parseIr: %s\n", program.error().message.c_str());
    return 0;
  }

  // What the writer writes, the reader must read back to the same IR.
  fuzz::requireStableRoundTrip(program.value());
  for (const auto& machine : program.value().machines) {
    (void)toDot(machine);
    (void)toMermaid(machine);
  }

  auto clock = std::make_shared<runtime::VirtualClock>(runtime::parseTimestampText("2024-01-01T00:00:00Z").value());
  runtime::EngineOptions options;
  options.clock = clock;
  options.jit = useJit();
  options.optimizationLevel = 0;
  runtime::Engine engine(std::move(options));
  for (const auto& machine : program.value().machines) {
    for (const auto& action : machine.hostActions) {
      engine.bindAction(action.name, [](const runtime::ActionCall&) { return runtime::ActionResult::ok(); });
    }
    for (const auto& route : machine.routes) {
      for (const auto& target : route.targets) {
        engine.bindRoute(target, [](const runtime::RoutedEvent&) {}, runtime::RouteOptions{.linger = std::chrono::microseconds(0)});
      }
    }
  }
  const ir::Program copy = program.value();
  auto loaded = engine.loadProgram(std::move(program).value());
  if (!loaded) {
    if (verbose()) std::fprintf(stderr, "load: %s\n", loaded.error().message.c_str());
    return 0;
  }
  int n = 0;
  for (const auto& machine : copy.machines) {
    const std::string id = "i" + std::to_string(n++);
    const std::string key = machine.contentHash.empty() ? machine.name : machine.contentHash;
    auto started = engine.start({key, id, "t", "{}"});
    if (!started) {
      if (verbose()) std::fprintf(stderr, "start: %s\n", started.error().message.c_str());
      continue;
    }
    int e = 0;
    for (const auto& event : machine.events) {
      if (event.name.rfind("after ", 0) == 0) continue;
      runtime::Event ev{.id = "e" + std::to_string(e++), .name = event.name, .actor = "fuzz"};
      const auto answer = engine.fire(id, ev);
      if (verbose()) {
        std::fprintf(stderr, "fire %s: %s %s\n", ev.name.c_str(), runtime::kindName(answer.kind), answer.reason.c_str());
        for (const auto& error : answer.guardErrors) std::fprintf(stderr, "  guard error: %s\n", error.c_str());
      }
      if (e > 64) break;
    }
  }
  clock->advance(DurationValue{3LL * 24 * 3600 * 1'000'000'000LL});
  (void)engine.runDueTimers();
  engine.drainRoutes();
  return 0;
}
