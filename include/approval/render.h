// Diagnostic renderers for `approvalc check --format text|json|sarif|github`.
#pragma once

#include <string>
#include <vector>

#include "approval/diagnostic.h"
#include "approval/source.h"

namespace approval {

struct TextRenderOptions {
  bool color = false;
};

/// rustc-style: `FILE:LINE:COL: error[CODE]: message`, the source line with a caret,
/// labels, `note:` and `help:` lines; ends with a summary line when there is anything.
[[nodiscard]] std::string renderText(const std::vector<Diagnostic>& diagnostics,
                                     const SourceManager& sources, const TextRenderOptions& options = {});
/// {"diagnostics": [...], "errors": N, "warnings": N}
[[nodiscard]] std::string renderJson(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources);
/// SARIF 2.1.0 with one run, the tool's rules from the code table.
[[nodiscard]] std::string renderSarif(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources);
/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,...::message`.
[[nodiscard]] std::string renderGithub(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources);

}  // namespace approval
