// embed: a tiny "leave service" that embeds the approval runtime.
//
//   embed FLOW.dsl [INSTANCES]     (INSTANCES: how many leave requests, default 3)
//
// It loads the seed flow (examples/leave-approval.seed.dsl), binds the flow's two host
// actions and three route targets to counting sinks, starts INSTANCES leave requests and
// then works through an inbox of events the way a service would: submit, assignReviewer and
// approve for every request, interleaved across requests. Every answer is printed. The exit
// status is 0 only when every request ends APPROVED and every action and route ran once per
// request; 1 otherwise; 2 for a usage, I/O or load error.
//
// Built against an installed approval package: see README.md next to this file.
#include <approval/engine.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace rt = approval::runtime;

struct Request {
  std::string instanceId;
  rt::Event event;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: embed FLOW.dsl [INSTANCES]\n";
    return 2;
  }
  const std::string flowPath = argv[1];
  const int instances = argc == 3 ? std::atoi(argv[2]) : 3;
  if (instances < 1) {
    std::cerr << "embed: INSTANCES must be a positive number\n";
    return 2;
  }

  std::ifstream file(flowPath, std::ios::binary);
  if (!file) {
    std::cerr << "embed: cannot read " << flowPath << "\n";
    return 2;
  }
  std::ostringstream text;
  text << file.rdbuf();

  // Defaults: in-memory store, system clock, guards compiled by the JIT.
  rt::Engine engine(rt::EngineOptions{});

  // Host actions and route targets come before loading: loading checks they are all bound.
  // Route sinks may run on the engine's delivery threads, hence the atomics.
  std::map<std::string, std::atomic<int>> actionCalls;
  for (const char* action : {"validatePolicy", "notifyReviewers"}) {
    std::atomic<int>& calls = actionCalls[action];
    engine.bindAction(action, [&calls](const rt::ActionCall&) {
      ++calls;
      return rt::ActionResult::ok();
    });
  }
  std::map<std::string, std::atomic<int>> routed;
  for (const char* target : {"validator-service", "notification-service", "audit-service"}) {
    std::atomic<int>& received = routed[target];
    engine.bindRoute(target, [&received](const rt::RoutedEvent&) { ++received; });
  }

  auto loaded = engine.loadSource(text.str(), flowPath);
  if (!loaded.ok()) {
    std::cerr << "embed: cannot load " << flowPath << ": " << loaded.error().message << "\n";
    return 2;
  }
  for (const rt::MachineInfo& machine : loaded.value()) {
    std::cout << "loaded " << machine.name << " v" << machine.version << " (" << machine.contentHash << ")\n";
  }

  std::vector<std::string> ids;
  for (int n = 1; n <= instances; ++n) {
    const std::string id = "L-" + std::to_string(n);
    auto started = engine.start({.machine = "leave-approval", .instanceId = id, .tenantId = "acme"});
    if (!started.ok()) {
      std::cerr << "embed: cannot start " << id << ": " << started.error().message << "\n";
      return 2;
    }
    ids.push_back(id);
  }

  // The inbox, as requests would arrive: every request is submitted, then reviewers are
  // assigned, then the reviewers approve.
  const std::vector<std::pair<std::string, std::string>> steps = {
      {"submit", "ann"}, {"assignReviewer", "hr-bot"}, {"approve", "bob"}};
  std::deque<Request> inbox;
  for (const auto& [name, actor] : steps) {
    for (const std::string& id : ids) {
      inbox.push_back({id, rt::Event{.id = id + "/" + name, .name = name, .actor = actor,
                                     .time = std::nullopt, .payload = {}}});
    }
  }

  // The service loop.
  int unexpected = 0;
  while (!inbox.empty()) {
    const Request request = std::move(inbox.front());
    inbox.pop_front();
    const rt::FireAnswer answer = engine.fire(request.instanceId, request.event);
    std::cout << request.instanceId << " " << request.event.name << ": " << rt::kindName(answer.kind);
    if (answer.kind == rt::FireAnswer::Kind::Transitioned) {
      std::cout << " " << answer.from << " -> " << answer.to;
    }
    if (!answer.actions.empty()) std::cout << " actions [" << join(answer.actions) << "]";
    if (!answer.emitted.empty()) std::cout << " emitted [" << join(answer.emitted) << "]";
    if (!answer.reason.empty()) std::cout << " reason: " << answer.reason;
    std::cout << "\n";
    if (answer.kind != rt::FireAnswer::Kind::Transitioned) ++unexpected;
  }
  engine.drainRoutes();

  bool ok = unexpected == 0;
  for (const std::string& id : ids) {
    auto view = engine.instance(id);
    if (!view.ok()) {
      std::cout << id << ": " << view.error().message << "\n";
      ok = false;
      continue;
    }
    std::cout << id << " ends in " << view.value().state << "\n";
    if (view.value().state != "APPROVED") ok = false;
  }
  for (const auto& [action, calls] : actionCalls) {
    std::cout << "action " << action << ": " << calls.load() << " calls\n";
    if (calls.load() != instances) ok = false;
  }
  for (const auto& [target, received] : routed) {
    std::cout << "route " << target << ": " << received.load() << " events\n";
    if (received.load() != instances) ok = false;
  }
  std::cout << (ok ? "ok: every request approved\n" : "FAILED\n");
  return ok ? 0 : 1;
}
