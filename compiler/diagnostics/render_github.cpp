// `approvalc check --format github`: GitHub Actions workflow commands, one line per
// diagnostic, which the runner turns into annotations on the pull request:
//
//   ::error file=flow.dsl,line=3,col=11,endLine=3,endColumn=12,title=E0201::unknown state `X`%0Ahelp: ...
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "approval/render.h"

namespace approval {

namespace {

std::string_view commandFor(Severity severity) {
  switch (severity) {
    case Severity::Note: return "notice";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

/// The escaping of GitHub's actions/toolkit (escapeData): the message ends at the line's
/// end, so line breaks and the escape character itself are percent-encoded.
std::string escapeMessage(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '%': escaped += "%25"; break;
      case '\r': escaped += "%0D"; break;
      case '\n': escaped += "%0A"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

/// Property values additionally must not contain the separators `,` and `:` (escapeProperty).
std::string escapeProperty(std::string_view text) {
  std::string escaped;
  for (const char c : escapeMessage(text)) {
    switch (c) {
      case ':': escaped += "%3A"; break;
      case ',': escaped += "%2C"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

/// file, line, col, endLine, endColumn as far as the span has them. GitHub accepts columns
/// only when the annotation starts and ends on one line, so a multi-line span gives lines only.
std::string locationProperties(const SourceSpan& span, const SourceManager& sources) {
  if (span.file >= sources.size()) return {};
  std::string properties = fmt::format("file={},", escapeProperty(sources.file(span.file).path()));
  if (!span.valid()) return properties;
  properties += fmt::format("line={},", span.line);
  const bool oneLine = span.endLine == span.line;
  if (oneLine && span.column >= 1) {
    properties += fmt::format("col={},", span.column);
    if (span.endColumn > span.column) properties += fmt::format("endLine={},endColumn={},", span.endLine, span.endColumn);
  } else if (span.endLine > span.line) {
    properties += fmt::format("endLine={},", span.endLine);
  }
  return properties;
}

/// The annotation shows only its message, so the primary label, secondary locations, notes
/// and help go into it as further lines: a reviewer needs them as much as a terminal user.
std::string messageWithDetails(const Diagnostic& diagnostic, const SourceManager& sources) {
  std::string message = diagnostic.message;
  if (!diagnostic.primaryLabel.empty()) message += fmt::format("\n{}", diagnostic.primaryLabel);
  for (const LabelledSpan& secondary : diagnostic.secondary) {
    if (secondary.label.empty()) continue;
    const SourceSpan& span = secondary.span;
    if (span.valid() && span.file < sources.size()) {
      message += fmt::format("\n{}:{}:{}: {}", sources.file(span.file).path(), span.line, span.column, secondary.label);
    } else {
      message += fmt::format("\nnote: {}", secondary.label);
    }
  }
  for (const std::string& note : diagnostic.notes) message += fmt::format("\nnote: {}", note);
  if (diagnostic.help) message += fmt::format("\nhelp: {}", *diagnostic.help);
  return escapeMessage(message);
}

}  // namespace

std::string renderGithub(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, std::size_t notShown) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) {
    out += fmt::format("::{} {}title={}::{}\n", commandFor(diagnostic.severity),
                       locationProperties(diagnostic.primary, sources), escapeProperty(diagnostic.code()),
                       messageWithDetails(diagnostic, sources));
  }
  if (notShown > 0) {
    out += fmt::format("::warning title=approvalc::{} more diagnostics were found and not shown: fix the first ones "
                       "and check again\n",
                       notShown);
  }
  return out;
}

}  // namespace approval
