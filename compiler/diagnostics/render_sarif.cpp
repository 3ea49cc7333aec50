// `approvalc check --format sarif`: SARIF 2.1.0 for code-scanning services (GitHub code
// scanning, Azure DevOps, IDE viewers). One run; the tool's rules are the whole code table so
// that a result's ruleIndex is stable across runs and files.
#include <array>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "approval/render.h"

namespace approval {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kToolName = "approvalc";
// Where a SARIF viewer sends users who want to know about the tool. The project has no
// public home recorded yet; change this together with the README when it gets one.
constexpr std::string_view kToolInformationUri = "https://github.com/approvalc/approvalc";

std::string_view sarifLevel(Severity severity) {
  switch (severity) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

/// A file path as a URI reference: relative paths stay relative (viewers resolve them
/// against the checkout), absolute ones become file:// URIs, and every byte that a URI
/// path may not hold is percent-encoded. ':' is encoded too, because in a relative
/// reference `a:b.dsl` would otherwise read as the scheme `a`.
std::string pathToUri(std::string_view path) {
  constexpr std::string_view kAllowed = "-._~!$&'()*+,;=@/";
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool alphanumeric = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9');
    if (alphanumeric || kAllowed.find(c) != std::string_view::npos) {
      uri += c;
    } else {
      uri += fmt::format("%{:02X}", byte);
    }
  }
  return uri;
}

/// SARIF requires positive line and column numbers and an end that is not before the start;
/// parts of a span that do not meet that are left out and take SARIF's defaults.
Json region(const SourceSpan& span) {
  Json result;
  result["startLine"] = span.line;
  if (span.column >= 1) result["startColumn"] = span.column;
  const bool endAfterStart = span.endLine > span.line || (span.endLine == span.line && span.endColumn >= span.column);
  if (endAfterStart) {
    result["endLine"] = span.endLine;
    if (span.endColumn >= 1) result["endColumn"] = span.endColumn;  // exclusive, as in SARIF
  }
  return result;
}

/// A physicalLocation, or null when the span's file is unknown. A span without a line
/// (a whole-file diagnostic) names the file without a region.
Json physicalLocation(const SourceSpan& span, const SourceManager& sources) {
  if (span.file >= sources.size()) return nullptr;
  Json location;
  location["artifactLocation"]["uri"] = pathToUri(sources.file(span.file).path());
  if (span.valid()) location["region"] = region(span);
  return location;
}

/// The message with the help appended as a second sentence, because a SARIF result has one
/// message and the help is often the most useful part.
std::string messageText(const Diagnostic& diagnostic) {
  std::string text = diagnostic.message;
  if (!diagnostic.help || diagnostic.help->empty()) return text;
  if (!text.empty() && std::string_view(".!?").find(text.back()) == std::string_view::npos) text += '.';
  std::string help = *diagnostic.help;
  if (help.front() >= 'a' && help.front() <= 'z') help.front() = static_cast<char>(help.front() - 'a' + 'A');
  return text.empty() ? help : text + ' ' + help;
}

Json rules() {
  Json list = Json::array();
  for (const DiagnosticInfo& info : allDiagnostics()) {
    Json rule;
    rule["id"] = info.code;
    rule["name"] = info.name;
    rule["shortDescription"]["text"] = info.summary;
    rule["defaultConfiguration"]["level"] = sarifLevel(info.severity);
    list.push_back(std::move(rule));
  }
  return list;
}

std::size_t ruleIndex(DiagnosticCode kind) {
  const auto table = allDiagnostics();
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].kind == kind) return i;
  }
  return 0;  // unreachable: every DiagnosticCode comes from the table
}

Json result(const Diagnostic& diagnostic, const SourceManager& sources) {
  Json object;
  object["ruleId"] = diagnostic.code();
  object["ruleIndex"] = ruleIndex(diagnostic.kind);
  object["level"] = sarifLevel(diagnostic.severity);
  object["message"]["text"] = messageText(diagnostic);

  if (Json primary = physicalLocation(diagnostic.primary, sources); !primary.is_null()) {
    Json location;
    location["physicalLocation"] = std::move(primary);
    if (!diagnostic.primaryLabel.empty()) location["message"]["text"] = diagnostic.primaryLabel;
    object["locations"] = Json::array({std::move(location)});
  }

  Json related = Json::array();
  for (const LabelledSpan& secondary : diagnostic.secondary) {
    Json where = physicalLocation(secondary.span, sources);
    if (where.is_null()) continue;
    Json location;
    location["id"] = related.size();
    location["physicalLocation"] = std::move(where);
    if (!secondary.label.empty()) location["message"]["text"] = secondary.label;
    related.push_back(std::move(location));
  }
  if (!related.empty()) object["relatedLocations"] = std::move(related);
  return object;
}

}  // namespace

std::string renderSarif(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, std::size_t notShown) {
  Json driver;
  driver["name"] = kToolName;
  driver["informationUri"] = kToolInformationUri;
  driver["rules"] = rules();

  Json results = Json::array();
  for (const Diagnostic& diagnostic : diagnostics) results.push_back(result(diagnostic, sources));

  Json run;
  run["tool"]["driver"] = std::move(driver);
  run["columnKind"] = "unicodeCodePoints";  // spans count code points, not UTF-16 units
  run["results"] = std::move(results);
  if (notShown > 0) run["properties"]["notShown"] = notShown;  // a run's property bag (SARIF 3.8)

  Json log;
  log["$schema"] = kSchemaUri;
  log["version"] = "2.1.0";
  log["runs"] = Json::array({std::move(run)});
  // Messages may quote invalid UTF-8 source text; replace it rather than throw.
  return log.dump(2, ' ', false, Json::error_handler_t::replace) + '\n';
}

}  // namespace approval
