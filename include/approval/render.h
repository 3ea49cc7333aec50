// Diagnostic renderers for `approvalc check --format text|json|sarif|github`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "approval/diagnostic.h"
#include "approval/source.h"

namespace approval {

/// Text from input for a terminal: every character that must not reach one as it is
/// (control characters, newlines included, C1 controls, bidirectional overrides, a BOM) and
/// every byte of invalid UTF-8 replaced by U+FFFD, as in quoted source lines. What the text
/// renderer does to names, messages and paths, and `approvalc run` to its text trace.
[[nodiscard]] std::string printableText(std::string_view text);

struct TextRenderOptions {
  bool color = false;
};

/// rustc-style: `FILE:LINE:COL: error[CODE]: message`, the source line with a caret,
/// labels, `note:` and `help:` lines; ends with a summary line when there is anything.
[[nodiscard]] std::string renderText(const std::vector<Diagnostic>& diagnostics,
                                     const SourceManager& sources, const TextRenderOptions& options = {});
/// {"diagnostics": [...], "errors": N, "warnings": N, "notShown": N}: the errors and
/// warnings counted are those listed; `notShown` counts the ones found past the sink's limit
/// (DiagnosticSink::droppedCount) and left out.
[[nodiscard]] std::string renderJson(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                                     std::size_t notShown = 0);
/// SARIF 2.1.0 with one run, the tool's rules from the code table; diagnostics left out past
/// the limit are the run's property `notShown`, present when there are any.
[[nodiscard]] std::string renderSarif(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                                      std::size_t notShown = 0);
/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,...::message`; diagnostics
/// left out past the limit add a last `::warning` saying how many.
[[nodiscard]] std::string renderGithub(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                                       std::size_t notShown = 0);

}  // namespace approval
