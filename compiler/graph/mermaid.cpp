// `approvalc graph --format mermaid`: a Mermaid stateDiagram-v2 of one machine. Mermaid state
// ids are bare words with many reserved spellings and no Unicode guarantees, so every state
// is declared once as `state "NAME" as sN` and referred to by its generated id.
#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "approval/graph.h"
#include "graph/transition_label.h"

namespace approval {


namespace {

/// Text safe inside `state "..." as sN` and after `sA --> sB : `. Mermaid ends a label at
/// `;`, `#` or a newline, a `"` ends a description, `%%` starts a comment, and HTML-ish text
/// is sanitised when rendered. Mermaid swaps `#NAME;` / `#NN;` entity codes out before
/// parsing and back in the SVG, so they carry every such character through.
std::string mermaidText(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '#': out += "#35;"; break;
      case ':': out += "#58;"; break;
      case ';': out += "#59;"; break;
      case '%': out += "#37;"; break;  // `%%` starts a comment
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '&': out += "#amp;"; break;
      default:
        // A newline would end the statement; other controls are invisible anyway.
        out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
  }
  return out;
}

std::string stateId(std::size_t state) { return fmt::format("s{}", state); }

}  // namespace

std::string toMermaid(const ir::Machine& machine) {
  std::string out = "stateDiagram-v2\n";
  for (std::size_t i = 0; i < machine.states.size(); ++i) {
    out += fmt::format("    state \"{}\" as {}\n", mermaidText(machine.states[i].name), stateId(i));
  }
  if (machine.initial < machine.states.size()) {
    out += fmt::format("    [*] --> {}\n", stateId(machine.initial));
  }
  for (const ir::Transition& transition : machine.transitions) {
    const std::string label = mermaidText(graph_detail::formatTransitionLabel(transition, machine));
    out += fmt::format("    {} --> {}{}\n", stateId(transition.source), stateId(transition.target),
                       label.empty() ? "" : " : " + label);
  }
  for (std::size_t i = 0; i < machine.states.size(); ++i) {
    if (machine.states[i].isFinal) out += fmt::format("    {} --> [*]\n", stateId(i));
  }
  return out;
}

}  // namespace approval
