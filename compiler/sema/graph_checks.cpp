#include "sema/graph_checks.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <utility>

#include "sema/declaration_checks.h"

namespace approval::sema {

namespace {

using Adjacency = std::vector<std::vector<std::uint32_t>>;

/// Every state reachable from `roots` along `edges`.
std::vector<bool> reachableFrom(const std::vector<std::uint32_t>& roots, const Adjacency& edges) {
  std::vector<bool> seen(edges.size(), false);
  std::vector<std::uint32_t> work;
  for (auto root : roots) {
    if (!seen[root]) {
      seen[root] = true;
      work.push_back(root);
    }
  }
  while (!work.empty()) {
    const auto state = work.back();
    work.pop_back();
    for (auto next : edges[state]) {
      if (!seen[next]) {
        seen[next] = true;
        work.push_back(next);
      }
    }
  }
  return seen;
}

/// With `final: []` written out, states without a way out are not final by default, so the
/// only fix is to list some.
std::string noFinalStateHelp(const ast::Machine& machine) {
  if (machine.finals) {
    return "`final: []` declares no final state: list the states where an instance is finished";
  }
  return "declare `final: [...]`, or leave some state without outgoing transitions";
}

/// Every target once per event, across all route lines: a second mention would deliver the
/// event to that target again.
void checkRepeatedTargets(const ast::Machine& machine, DiagnosticSink& sink) {
  std::map<std::pair<std::string, std::string>, const ast::StringLiteral*> firstMention;  // (event, target)
  for (const auto& route : machine.routes) {
    for (const auto& target : route.targets) {
      if (target.value.empty()) continue;  // E0213
      const auto [first, inserted] = firstMention.emplace(std::pair{route.event.value, target.value}, &target);
      if (inserted) continue;
      sink.report(DiagnosticCode::DuplicateRouteTarget, target.span,
                  fmt::format("\"{}\" is already a target of \"{}\"", target.value, route.event.value))
          .label("named again here")
          .secondary(first->second->span, "first named here")
          .help("remove the repeated target: each target receives the event once");
    }
  }
}

}  // namespace

void checkGraph(const ast::Machine& machine, const MachineSymbols& symbols, const std::vector<Shadowing>& shadowings,
                DiagnosticSink& sink) {
  if (!symbols.initial) return;  // already an error; reachability would only add noise
  const std::size_t count = symbols.states.size();
  const auto dead = deadEdges(shadowings);
  Adjacency forward(count);
  Adjacency backward(count);
  for (std::uint32_t index = 0; index < machine.transitions.size(); ++index) {
    const ast::Transition& transition = machine.transitions[index];
    const auto target = symbols.findState(transition.target.text);
    if (!target) continue;
    for (const auto source : symbols.sourcesOf(transition)) {
      if (dead.contains(edgeKey(index, source))) continue;
      forward[source].push_back(*target);
      backward[*target].push_back(source);
    }
  }
  const auto reachable = reachableFrom({*symbols.initial}, forward);
  for (std::uint32_t state = 0; state < count; ++state) {
    if (reachable[state]) continue;
    sink.report(DiagnosticCode::UnreachableState, symbols.states[state]->span,
                fmt::format("state `{}` can never be entered", symbols.states[state]->text))
        .label("unreachable")
        .help(fmt::format("add a transition into `{}` from a reachable state, or remove it",
                          symbols.states[state]->text));
  }

  std::vector<std::uint32_t> finals;
  for (std::uint32_t state = 0; state < count; ++state) {
    if (symbols.isFinal[state]) finals.push_back(state);
  }
  if (finals.empty()) {
    sink.report(DiagnosticCode::NoFinalState, machine.name.span,
                fmt::format("machine \"{}\" has no final state, so no instance ever finishes", machine.name.value))
        .help(noFinalStateHelp(machine));
    return;
  }
  const auto canFinish = reachableFrom(finals, backward);
  for (std::uint32_t state = 0; state < count; ++state) {
    if (!reachable[state] || canFinish[state]) continue;
    sink.report(DiagnosticCode::CannotFinish, symbols.states[state]->span,
                fmt::format("no final state can be reached from `{}`", symbols.states[state]->text))
        .label("instances entering this state never finish")
        .help("add a transition from it towards a final state, or declare it final");
  }
}

void checkRoutes(const ast::Machine& machine, DiagnosticSink& sink) {
  std::set<std::string> known;
  for (const auto& transition : machine.transitions) {
    if (transition.trigger.kind == ast::Trigger::Kind::Event) known.insert(transition.trigger.event.value);
    for (const auto& action : transition.actions) {
      if (action.call.name.text != "emit" || action.call.arguments.size() != 1) continue;
      if (const auto* name = std::get_if<std::string>(&action.call.arguments[0]->literal)) known.insert(*name);
    }
  }
  checkRepeatedTargets(machine, sink);
  const std::vector<std::string> candidates(known.begin(), known.end());
  for (const auto& route : machine.routes) {
    for (const auto& target : route.targets) {
      if (target.value.empty()) {
        sink.report(DiagnosticCode::EmptyName, target.span, "route target name is empty")
            .help("remove the stray comma, or name the target service");
      }
    }
    if (route.event.value.empty()) {  // as an empty name in `events`, `on` or `emit`; not also "unused"
      sink.report(DiagnosticCode::EmptyName, route.event.span, "routed event name is empty")
          .help("name the event the route sends, as a transition accepts or emits it");
      continue;
    }
    if (known.contains(route.event.value)) continue;
    sink.report(DiagnosticCode::UnusedRoute, route.event.span,
                fmt::format("route for \"{}\", which no transition accepts or emits", route.event.value))
        .label("never routed")
        .helpFrom([&] { return suggestion(sink, route.event.value, candidates, "remove the route, or add a transition on this event"); });
  }
}

/// An emitted event goes only to the targets its route names (it is not applied to the
/// instance): without a route, `emit` does nothing at all.
void checkEmitsRouted(const ast::Machine& machine, DiagnosticSink& sink) {
  std::set<std::string> routed;
  for (const auto& route : machine.routes) routed.insert(route.event.value);
  std::set<std::string> reported;  // each event once, at its first emit
  for (const auto& transition : machine.transitions) {
    for (const auto& action : transition.actions) {
      if (action.call.name.text != "emit" || action.call.arguments.size() != 1) continue;
      const auto* name = std::get_if<std::string>(&action.call.arguments[0]->literal);
      if (name == nullptr || name->empty() || routed.contains(*name) || !reported.insert(*name).second) continue;
      sink.report(DiagnosticCode::UnroutedEmit, action.call.arguments[0]->span,
                  fmt::format("`emit(\"{}\")` sends the event nowhere: no route names \"{}\"", *name, *name))
          .label("goes to no target")
          .note("an emitted event goes to the targets its route names; it is not applied to this instance")
          .help(fmt::format("route it (`\"{}\" → \"audit-service\"` in `routes`), or remove the emit", *name));
    }
  }
}

}  // namespace approval::sema
