// IR read from JSON is trusted only as far as the compiler would have written it: the JIT
// reads a slot by the type its node is labelled with, so a label that lies (a string field
// labelled int, a number labelled a list) would make compiled code read memory as the wrong
// kind. Each machine is written back as source, compiled again, and must come out the same.
#pragma once

#include <optional>
#include <string>

#include "approval/ir.h"

namespace approval {

/// Empty when `machine` is exactly what the compiler makes of its own declarations,
/// transitions and expressions (spans included; its content hash and source path aside).
/// Otherwise what is wrong: the first error compiling it reports (`a quorum of 0 votes ...`),
/// or the first place where it differs from the compiled machine, as a JSON path with both
/// values (`transitions[0].guard.operands[1].type is "list<int>", but compiling gives "int"`).
[[nodiscard]] std::optional<std::string> irCompileMismatch(const ir::Machine& machine);

}  // namespace approval
