#include "sema/graph_checks.h"

#include <fmt/format.h>

#include <set>

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

}  // namespace

void checkGraph(const ast::Machine& machine, const MachineSymbols& symbols, DiagnosticSink& sink) {
  if (!symbols.initial) return;  // already an error; reachability would only add noise
  const std::size_t count = symbols.states.size();
  Adjacency forward(count);
  Adjacency backward(count);
  for (const auto& transition : machine.transitions) {
    const auto target = symbols.findState(transition.target.text);
    if (!target) continue;
    for (const auto source : symbols.sourcesOf(transition)) {
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
        .help("declare `final: [...]`, or leave some state without outgoing transitions");
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
  const std::vector<std::string> candidates(known.begin(), known.end());
  for (const auto& route : machine.routes) {
    for (const auto& target : route.targets) {
      if (target.value.empty()) {
        sink.report(DiagnosticCode::EmptyName, target.span, "route target name is empty")
            .help("remove the stray comma, or name the target service");
      }
    }
    if (known.contains(route.event.value)) continue;
    sink.report(DiagnosticCode::UnusedRoute, route.event.span,
                fmt::format("route for \"{}\", which no transition accepts or emits", route.event.value))
        .label("never routed")
        .helpFrom([&] { return suggestion(route.event.value, candidates, "remove the route, or add a transition on this event"); });
  }
}

}  // namespace approval::sema
