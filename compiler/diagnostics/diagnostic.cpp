#include "approval/diagnostic.h"

#include <algorithm>
#include <array>

namespace approval {

namespace {
constexpr std::array kDiagnosticTable = {
#define DIAGNOSTIC(Name, Code, Sev, Summary) \
  DiagnosticInfo{DiagnosticCode::Name, #Name, Code, Severity::Sev, Summary},
#include "approval/diagnostic_codes.def"
#undef DIAGNOSTIC
};
}  // namespace

const DiagnosticInfo& diagnosticInfo(DiagnosticCode kind) {
  return kDiagnosticTable.at(static_cast<std::size_t>(kind));
}

std::span<const DiagnosticInfo> allDiagnostics() { return kDiagnosticTable; }

std::string_view severityName(Severity severity) {
  switch (severity) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

DiagnosticBuilder& DiagnosticBuilder::label(std::string text) {
  diagnostic_.primaryLabel = std::move(text);
  return *this;
}

DiagnosticBuilder& DiagnosticBuilder::secondary(SourceSpan span, std::string label) {
  diagnostic_.secondary.push_back({span, std::move(label)});
  return *this;
}

DiagnosticBuilder& DiagnosticBuilder::note(std::string text) {
  diagnostic_.notes.push_back(std::move(text));
  return *this;
}

DiagnosticBuilder& DiagnosticBuilder::help(std::string text) {
  diagnostic_.help = std::move(text);
  return *this;
}

DiagnosticBuilder DiagnosticSink::report(DiagnosticCode kind, SourceSpan where, std::string message) {
  const Severity severity = diagnosticInfo(kind).severity;
  if (severity == Severity::Error) ++errors_;
  if (severity == Severity::Warning) ++warnings_;
  if (diagnostics_.size() >= limit_) {
    ++dropped_;
    overflow_ = Diagnostic{};
    return DiagnosticBuilder(overflow_, /*kept=*/false);
  }
  diagnostics_.push_back(Diagnostic{.kind = kind,
                                    .severity = severity,
                                    .message = std::move(message),
                                    .primary = where,
                                    .primaryLabel = {},
                                    .secondary = {},
                                    .notes = {},
                                    .help = std::nullopt});
  return DiagnosticBuilder(diagnostics_.back());
}

bool DiagnosticSink::spendSuggestionComparisons(std::size_t comparisons) {
  if (comparisons > kSuggestionComparisons - suggestionComparisons_) return false;
  suggestionComparisons_ += comparisons;
  return true;
}

void DiagnosticSink::sortByLocation() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const auto& x = a.primary;
    const auto& y = b.primary;
    return std::tie(x.file, x.line, x.column) < std::tie(y.file, y.line, y.column);
  });
}

}  // namespace approval
