// `approvalc check --format json`: the diagnostics for scripts and editors.
//
//   {"diagnostics": [{"code": "E0201", "severity": "error", "message": "...", "file": "flow.dsl",
//     "line": 3, "column": 11, "endLine": 3, "endColumn": 12, "label": "...",
//     "secondary": [{"file", "line", "column", "endLine", "endColumn", "label"}],
//     "notes": ["..."], "help": "..."}], "errors": 1, "warnings": 0, "notShown": 0}
//
// Anything a diagnostic does not have is null rather than missing, so that every object
// has the same keys. Keys keep the order above (ordered_json) so the output reads well and
// is identical from run to run.
#include <nlohmann/json.hpp>

#include "approval/render.h"

namespace approval {

namespace {

using Json = nlohmann::ordered_json;

/// Adds file, line, column, endLine and endColumn. A span without a line (a whole-file
/// diagnostic) keeps its file if the SourceManager knows it; its positions are null.
void addLocation(Json& object, const SourceSpan& span, const SourceManager& sources) {
  object["file"] = span.file < sources.size() ? Json(sources.file(span.file).path()) : Json(nullptr);
  if (span.valid()) {
    object["line"] = span.line;
    object["column"] = span.column;
    object["endLine"] = span.endLine;
    object["endColumn"] = span.endColumn;
  } else {
    for (const char* key : {"line", "column", "endLine", "endColumn"}) object[key] = nullptr;
  }
}

Json textOrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json toJson(const Diagnostic& diagnostic, const SourceManager& sources) {
  Json object;
  object["code"] = diagnostic.code();
  object["severity"] = severityName(diagnostic.severity);
  object["message"] = diagnostic.message;
  addLocation(object, diagnostic.primary, sources);
  object["label"] = textOrNull(diagnostic.primaryLabel);

  Json secondary = Json::array();
  for (const LabelledSpan& labelled : diagnostic.secondary) {
    Json entry;
    addLocation(entry, labelled.span, sources);
    entry["label"] = textOrNull(labelled.label);
    secondary.push_back(std::move(entry));
  }
  object["secondary"] = std::move(secondary);
  object["notes"] = diagnostic.notes;
  object["help"] = diagnostic.help ? Json(*diagnostic.help) : Json(nullptr);
  return object;
}

}  // namespace

std::string renderJson(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, std::size_t notShown) {
  Json list = Json::array();
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const Diagnostic& diagnostic : diagnostics) {
    list.push_back(toJson(diagnostic, sources));
    if (diagnostic.severity == Severity::Error) ++errors;
    if (diagnostic.severity == Severity::Warning) ++warnings;
  }
  Json document;
  document["diagnostics"] = std::move(list);
  document["errors"] = errors;
  document["warnings"] = warnings;
  document["notShown"] = notShown;
  // Messages quote source text, which may be invalid UTF-8 (that is what E0101 reports);
  // replace bad bytes with U+FFFD instead of letting dump() throw.
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + '\n';
}

}  // namespace approval
