// The text of one edge label, shared by the DOT and Mermaid writers.
#pragma once

#include <string>

#include "approval/ir.h"

namespace approval::graph_detail {

/// `event` or `after 48h`, then ` [guard]`, then ` / action(), other() compensate undo()`.
[[nodiscard]] std::string formatTransitionLabel(const ir::Transition& transition, const ir::Machine& machine);

}  // namespace approval::graph_detail
