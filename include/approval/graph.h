// `approvalc graph`: a machine's IR drawn as Graphviz DOT or a Mermaid stateDiagram-v2.
#pragma once

#include <string>

#include "approval/ir.h"

namespace approval {

[[nodiscard]] std::string toDot(const ir::Machine& machine);
[[nodiscard]] std::string toMermaid(const ir::Machine& machine);
/// A guard or argument written back as DSL/CEL source, for labels and messages.
[[nodiscard]] std::string formatExpr(const ir::Expr& expr, const ir::Machine& machine);

}  // namespace approval
