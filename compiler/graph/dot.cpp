// `approvalc graph --format dot`: a Graphviz digraph of one machine. States get generated
// node ids (s0, s1, ...) so that no state name, however spelled, can collide with DOT syntax
// or keywords; the names themselves are escaped labels.
#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "approval/graph.h"
#include "graph/transition_label.h"

namespace approval {


namespace {

/// A DOT double-quoted string. Backslash must be doubled because Graphviz reads `\n`, `\l`,
/// `\N` and friends in labels as escapes of its own.
std::string dotQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default:
        // Other control characters have no business in a label, and some upset Graphviz.
        out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
  }
  return out + "\"";
}

std::string nodeId(std::size_t state) { return fmt::format("s{}", state); }

}  // namespace

std::string toDot(const ir::Machine& machine) {
  std::string out = fmt::format("digraph {} {{\n", dotQuoted(machine.name));
  out += "  rankdir=LR;\n";
  out += "  node [shape=ellipse];\n";
  out += "  start [shape=point, label=\"\"];\n";
  for (std::size_t i = 0; i < machine.states.size(); ++i) {
    const ir::State& state = machine.states[i];
    out += fmt::format("  {} [label={}{}];\n", nodeId(i), dotQuoted(state.name),
                       state.isFinal ? ", shape=doublecircle" : "");
  }
  if (machine.initial < machine.states.size()) {
    out += fmt::format("  start -> {};\n", nodeId(machine.initial));
  }
  for (const ir::Transition& transition : machine.transitions) {
    out += fmt::format("  {} -> {} [label={}];\n", nodeId(transition.source),
                       nodeId(transition.target),
                       dotQuoted(graph_detail::formatTransitionLabel(transition, machine)));
  }
  out += "}\n";
  return out;
}

}  // namespace approval
