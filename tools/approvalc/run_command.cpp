// `approvalc run FILE --events EVENTS.jsonl`: simulates one instance of a machine on a
// virtual clock. Host actions are recorded and succeed (unless --fail-action names them),
// route targets record what they receive, and every answer is printed as a trace.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "approval/engine.h"
#include "approval/render.h"
#include "commands.h"
#include "diagnostics_output.h"
#include "event_lines.h"
#include "input_files.h"
#include "machine_choice.h"

namespace approval::driver {

namespace {

using runtime::FireAnswer;

/// What host actions and route targets did during one step, printed after its answer:
/// host calls in call order, then route deliveries sorted (each target has its own worker,
/// so deliveries to different targets interleave freely).
class Recorder {
 public:
  void call(std::string line) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(line));
  }
  void delivery(std::string line) {
    std::lock_guard lock(mutex_);
    deliveries_.push_back(std::move(line));
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> lines = std::move(calls_);
    std::sort(deliveries_.begin(), deliveries_.end());
    lines.insert(lines.end(), deliveries_.begin(), deliveries_.end());
    calls_.clear();
    deliveries_.clear();
    return lines;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> calls_;
  std::vector<std::string> deliveries_;
};

std::string argumentsText(std::span<const Value> arguments) {
  std::string text;
  for (const auto& argument : arguments) text += (text.empty() ? "" : ", ") + toJsonText(argument);
  return text;
}

/// The items, each made printable, joined by commas.
std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + printableText(item);
  return text;
}

nlohmann::ordered_json answerJson(const FireAnswer& answer) {
  nlohmann::ordered_json json;
  json["answer"] = runtime::kindName(answer.kind);
  json["from"] = answer.from;
  if (!answer.to.empty()) json["to"] = answer.to;
  if (!answer.reason.empty()) json["reason"] = answer.reason;
  if (!answer.failedAction.empty()) json["failedAction"] = answer.failedAction;
  json["actions"] = answer.actions;
  json["emitted"] = answer.emitted;
  if (!answer.compensations.empty()) json["compensations"] = answer.compensations;
  if (!answer.guardErrors.empty()) json["guardErrors"] = answer.guardErrors;
  return json;
}

/// The answer for the text trace. Names, ids and reasons come from the events file and the
/// machine: each is made printable before the trace's own line breaks are added, so none can
/// forge a line of the trace or send the terminal a control sequence.
std::string answerText(const FireAnswer& answer) {
  std::string text = runtime::kindName(answer.kind);
  const auto from = printableText(answer.from);
  switch (answer.kind) {
    case FireAnswer::Kind::Transitioned: text += fmt::format(" {} → {}", from, printableText(answer.to)); break;
    case FireAnswer::Kind::Stayed: text += fmt::format(" in {}", from); break;
    case FireAnswer::Kind::Failed:
      text += fmt::format(" in {}: `{}` {}", from, printableText(answer.failedAction), printableText(answer.reason));
      break;
    default: text += ": " + printableText(answer.reason); break;
  }
  if (!answer.actions.empty()) text += "\n    actions: " + joined(answer.actions);
  if (!answer.emitted.empty()) text += "\n    emitted: " + joined(answer.emitted);
  if (!answer.compensations.empty()) text += "\n    compensations: " + joined(answer.compensations);
  for (const auto& error : answer.guardErrors) text += "\n    guard error: " + printableText(error);
  return text;
}

/// Bad lines `run` reports before it stops reading the events file.
constexpr std::size_t kMaxBadLines = 1000;

struct Trace {
  bool jsonl = false;
  void step(const std::string& label, std::size_t line, const FireAnswer& answer, std::vector<std::string> effects) {
    if (jsonl) {
      nlohmann::ordered_json json;
      json["line"] = line;
      json["event"] = label;
      const auto fields = answerJson(answer);
      for (const auto& [key, value] : fields.items()) json[key] = value;
      json["effects"] = effects;
      std::cout << json.dump() << '\n';
      return;
    }
    std::cout << fmt::format("line {}: {} → {}\n", line, printableText(label), answerText(answer));
    for (const auto& effect : effects) std::cout << "    " << printableText(effect) << '\n';
  }
};

}  // namespace

int runRun(const RunCommand& command, const CommonOptions& common) {
  if ((command.file == "-") + (command.events == "-") + (command.context == "-") > 1) {
    std::cerr << "approvalc: error: only one of FILE, --events and --context can be `-` (standard input)\n";
    return kExitUsage;
  }
  auto inputs = readInputs({command.file}, common.limits.maxFileBytes);
  if (!inputs) {
    printError(inputs.error().message);
    return kExitUsage;
  }
  auto compilation = compile(std::move(inputs).value(), CompileOptions{.limits = common.limits});
  printDiagnostics(*compilation, common.color);
  if (compilation->diagnostics.hasErrors()) return kExitInputErrors;

  const auto chosen = chooseMachine(compilation->program.machines, command.machine, command.file);
  if (!chosen) {
    printError(chosen.error().message);
    return kExitUsage;
  }
  const ir::Machine* machine = chosen.value();
  if (!command.failAction.empty() &&
      std::none_of(machine->hostActions.begin(), machine->hostActions.end(),
                   [&](const ir::HostAction& action) { return action.name == command.failAction; })) {
    std::string names;
    for (const auto& action : machine->hostActions) names += " " + action.name;
    printError("--fail-action `" + command.failAction + "` is not a host action of `" + machine->name + "`; " +
               (names.empty() ? "it calls none" : "it calls:" + names));
    return kExitUsage;
  }

  std::string contextJson = "{}";
  if (!command.context.empty()) {
    auto context = readInputs({command.context}, common.limits.maxFileBytes);
    if (!context) {
      printError(context.error().message);
      return kExitUsage;
    }
    contextJson = std::move(context.value().front().text);
    if (contextJson.size() > common.limits.maxFileBytes) {
      printError("the context is larger than --max-file-bytes (" + std::to_string(common.limits.maxFileBytes) + " bytes)",
                 command.context);
      return kExitInputErrors;
    }
  }
  std::ifstream eventsFile;
  if (command.events != "-") {
    if (auto readable = checkReadable(command.events); !readable) {
      printError(readable.error().message);
      return kExitUsage;
    }
    eventsFile.open(command.events, std::ios::binary);
  }
  std::istream& events = command.events == "-" ? std::cin : eventsFile;
  const std::string eventsName = command.events == "-" ? "<stdin>" : command.events;

  auto clock = std::make_shared<runtime::VirtualClock>(runtime::parseTimestampText(command.start).value());
  runtime::EngineOptions options;
  options.clock = clock;
  // Every timer's answer is traced as its own entry, with the line and label of the step that
  // fired it: a timer the engine caught up inside `fire` too (set once the trace exists).
  std::function<void(const FireAnswer&)> traceTimer;
  options.onTimerAnswer = [&traceTimer](const std::string&, const FireAnswer& answer) {
    if (traceTimer) traceTimer(answer);
  };
  options.jit = !common.noJit;
  options.optimizationLevel = common.optimizationLevel;
  runtime::Engine engine(std::move(options));
  Recorder recorder;
  for (const auto& action : machine->hostActions) {
    engine.bindAction(action.name, [&recorder, &command](const runtime::ActionCall& call) {
      const std::string text = std::string(call.compensation ? "compensation " : "action ") + std::string(call.action) +
                               "(" + argumentsText(call.arguments) + ")";
      if (call.action == command.failAction) {
        recorder.call(text + " failed (--fail-action)");
        return runtime::ActionResult::failure("failed by --fail-action");
      }
      recorder.call(text);
      return runtime::ActionResult::ok();
    });
  }
  for (const auto& route : machine->routes) {
    for (const auto& target : route.targets) {
      engine.bindRoute(target, [&recorder](const runtime::RoutedEvent& routed) {
        recorder.delivery("route " + routed.target + " <- " + routed.event + (routed.emitted ? " (emitted)" : ""));
      });
    }
  }
  // Only this machine is loaded: the others' host actions and routes are not bound. It is
  // the compiler's own, so loading does not compile it again (loadProgram would, with the
  // default limits rather than these: a machine past them could not run).
  const std::string machineName = machine->name;
  std::erase_if(compilation->program.machines, [&](const ir::Machine& other) { return other.name != machineName; });
  if (auto loaded = engine.loadCompiled(std::move(*compilation)); !loaded) {
    printError(loaded.error().message);
    return kExitInputErrors;
  }
  const std::string instanceId = command.instance;
  if (auto started = engine.start({machineName, instanceId, "simulation", contextJson}); !started) {
    printError(started.error().message,
               command.context.empty() ? "approvalc" : command.context == "-" ? "<stdin>" : command.context);
    return kExitInputErrors;
  }

  Trace trace{command.format == "jsonl"};
  auto effects = [&] {
    engine.drainRoutes();
    return recorder.take();
  };
  std::size_t badLines = 0;        // skipped
  std::size_t unfinishedLines = 0;  // ran, but left timers due
  std::size_t lastLineRead = 0;     // not 0: the lines after this one were not read
  auto report = [&](std::size_t& count, std::size_t line, const std::string& message) {
    ++count;
    printError(message, eventsName + ":" + std::to_string(line));
  };
  // The events file is streamed whatever its length (a long simulation is fine), but a
  // source of nothing but bad lines (`--events /dev/urandom`, a log piped by mistake)
  // would run, and report, for ever: the reading stops at the kMaxBadLines-th bad line.
  auto bad = [&](std::size_t line, const std::string& message) {
    report(badLines, line, message);
    if (badLines == kMaxBadLines && lastLineRead == 0) {
      printError(fmt::format("{} bad lines: this does not look like an events file, so the lines after this one "
                             "are not read",
                             kMaxBadLines),
                 eventsName + ":" + std::to_string(line));
      lastLineRead = line;
    }
  };
  auto unfinished = [&](std::size_t line, const std::string& message) { report(unfinishedLines, line, message); };
  std::size_t timerLine = 0;
  std::string timerLabel;
  traceTimer = [&](const FireAnswer& answer) { trace.step(timerLabel, timerLine, answer, effects()); };
  // Fires due timers, each traced with its own effects.
  auto runTimers = [&](std::size_t line, const std::string& label) {
    timerLine = line;
    timerLabel = label;
    (void)engine.runDueTimers();
    auto next = engine.nextTimerDue();
    if (next && next.value() && next.value()->nanoseconds <= clock->now().nanoseconds) {
      static_assert(runtime::kMaxTimerRounds == 65536, "the message names the engine's bound");
      unfinished(line, "timers are still due after 65,536 rounds of catching up: a cycle of timers (such as "
                "`B → B after 1ms`) fires once for every period the clock skipped; move the clock in smaller "
                "steps or give the cycle a way out");
    }
  };
  std::string text;
  std::size_t lineNumber = 0;
  while (lastLineRead == 0) {
    const LineRead found = nextLine(events, text, common.limits.maxFileBytes);
    if (found == LineRead::End) break;
    ++lineNumber;
    if (found == LineRead::Endless) {
      lastLineRead = lineNumber;
      bad(lineNumber, fmt::format("the line runs on past twice --max-file-bytes ({} bytes) without a newline: this is "
                                  "not an events file, so the rest of it is not read",
                                  common.limits.maxFileBytes));
      break;
    }
    if (found == LineRead::TooLong) {
      bad(lineNumber, fmt::format("the line is longer than --max-file-bytes ({} bytes)", common.limits.maxFileBytes));
      continue;
    }
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    ReadLine read = readEventLine(text, lineNumber);
    if (auto* problem = std::get_if<BadLine>(&read)) {
      bad(lineNumber, problem->message);
      continue;
    }
    if (auto* advance = std::get_if<ClockAdvance>(&read)) {
      std::int64_t movedTo = 0;
      if (__builtin_add_overflow(clock->now().nanoseconds, advance->by.nanoseconds, &movedTo)) {
        bad(lineNumber, "advancing the clock by " + advance->text + " would take it past 2262-04-11T23:47:16Z, " +
                            "the last time a timestamp holds");
        continue;
      }
      clock->advance(advance->by);
      runTimers(lineNumber, "timer (clock +" + advance->text + ")");
      continue;
    }
    auto& line = std::get<EventLine>(read);
    runtime::Event& event = line.event;
    if (line.payload) {
      auto payload = engine.payloadFromJson(instanceId, event.name, line.payload->dump());
      if (!payload) {
        bad(lineNumber, payload.error().message);
        continue;
      }
      event.payload = std::move(payload).value();
    }
    if (event.time && event.time->nanoseconds > clock->now().nanoseconds) {
      // Timers due before this event fire first, as they would have in real time.
      clock->set(*event.time);
      runTimers(lineNumber, "timer (clock at " + line.timeText + ")");
    }
    timerLine = lineNumber;
    timerLabel = "timer (overdue at this event's time)";  // `fire` catches them up first
    const FireAnswer answer = engine.fire(instanceId, event);
    trace.step(event.name + " by " + event.actor, lineNumber, answer, effects());
    // An event dated before the clock may arm timers the clock has passed: the timer thread
    // of a running engine would fire them at once.
    if (auto next = engine.nextTimerDue(); next && next.value() && next.value()->nanoseconds <= clock->now().nanoseconds) {
      runTimers(lineNumber, "timer (overdue by the clock)");
    }
  }

  auto final = engine.instance(instanceId);
  if (final) {
    if (trace.jsonl) {
      nlohmann::ordered_json json;
      json["final"] = {{"state", final.value().state},
                       {"final", final.value().final},
                       {"context", nlohmann::ordered_json::parse(final.value().contextJson)}};
      std::cout << json.dump() << '\n';
    } else {
      std::cout << "final state: " << printableText(final.value().state) << (final.value().final ? " (final)" : "")
                << '\n'
                << "context: " << printableText(final.value().contextJson) << '\n';
    }
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "approvalc: error: cannot write to standard output: the trace is lost\n";
    return kExitUsage;
  }
  if (command.events == "-") {
    if (auto failed = standardInputError()) {
      printError(*failed + " (the lines read before ran)");
      return kExitUsage;
    }
  }
  if (badLines > 0) {
    std::cerr << "approvalc: " << badLines << " bad input line" << (badLines == 1 ? "" : "s") << " skipped"
              << (lastLineRead == 0 ? "" : fmt::format(", and the lines after line {} not read", lastLineRead))
              << "; the others ran\n";
  }
  if (unfinishedLines > 0) {
    std::cerr << "approvalc: " << unfinishedLines << " line" << (unfinishedLines == 1 ? "" : "s")
              << " ran but left timers due (above)\n";
  }
  return badLines + unfinishedLines > 0 ? kExitInputErrors : kExitSuccess;
}

}  // namespace approval::driver
