// The IR's versioned JSON form (schema: docs/IR.md).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "approval/ir.h"
#include "approval/result.h"

namespace approval {

struct IrJsonOptions {
  bool includeSpans = true;
  bool includeHash = true;
};

[[nodiscard]] nlohmann::json toJson(const ir::Program& program, const IrJsonOptions& options = {});
[[nodiscard]] nlohmann::json toJson(const ir::Machine& machine, const IrJsonOptions& options = {});
/// Loads what toJson wrote; fails with a message naming the JSON path of the first problem.
[[nodiscard]] Result<ir::Program> programFromJson(const nlohmann::json& json);
[[nodiscard]] Result<ir::Program> parseIr(std::string_view text);

}  // namespace approval
