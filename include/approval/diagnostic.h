// The one diagnostic type of approvalc, and the sink that collects them.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "approval/source.h"

namespace approval {

enum class Severity { Note, Warning, Error };

enum class DiagnosticCode {
#define DIAGNOSTIC(Name, Code, Severity, Summary) Name,
#include "approval/diagnostic_codes.def"
#undef DIAGNOSTIC
};

/// What the code table says about one DiagnosticCode.
struct DiagnosticInfo {
  DiagnosticCode kind;
  std::string_view name;     // e.g. "UnknownState"
  std::string_view code;     // e.g. "E0201"
  Severity severity;         // the default severity
  std::string_view summary;  // one line, for docs and SARIF rules
};

[[nodiscard]] const DiagnosticInfo& diagnosticInfo(DiagnosticCode kind);
[[nodiscard]] std::span<const DiagnosticInfo> allDiagnostics();
[[nodiscard]] std::string_view severityName(Severity severity);

/// A secondary location with a short label, such as "first declared here".
struct LabelledSpan {
  SourceSpan span;
  std::string label;
};

struct Diagnostic {
  DiagnosticCode kind{};
  Severity severity = Severity::Error;
  std::string message;          // what is wrong, naming the offending thing
  SourceSpan primary;           // where
  std::string primaryLabel;     // optional label under the caret
  std::vector<LabelledSpan> secondary;
  std::vector<std::string> notes;
  std::optional<std::string> help;  // how to fix it

  [[nodiscard]] std::string_view code() const { return diagnosticInfo(kind).code; }
};

/// Builder that keeps diagnostic construction readable at call sites:
///   sink.report(DiagnosticCode::UnknownState, span, "unknown state `X`").help("...");
class DiagnosticBuilder {
 public:
  /// `kept`: false for a diagnostic past the sink's limit, which is built and thrown away.
  explicit DiagnosticBuilder(Diagnostic& diagnostic, bool kept = true) : diagnostic_(diagnostic), kept_(kept) {}
  DiagnosticBuilder& label(std::string text);
  DiagnosticBuilder& secondary(SourceSpan span, std::string label);
  DiagnosticBuilder& note(std::string text);
  DiagnosticBuilder& help(std::string text);
  /// help(makeText()), calling makeText only for a diagnostic that is kept: a "did you mean"
  /// search over every declared name is wasted on one past the limit.
  template <typename MakeText>
  DiagnosticBuilder& helpFrom(MakeText&& makeText) {
    if (kept_) help(std::forward<MakeText>(makeText)());
    return *this;
  }

 private:
  Diagnostic& diagnostic_;
  bool kept_;
};

/// Collects diagnostics in the order they are reported. Stops keeping new ones after a
/// limit so that a pathological input cannot exhaust memory, but keeps counting.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::size_t limit = 1000) : limit_(limit) {}

  DiagnosticBuilder report(DiagnosticCode kind, SourceSpan where, std::string message);

  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  [[nodiscard]] std::size_t errorCount() const { return errors_; }
  [[nodiscard]] std::size_t warningCount() const { return warnings_; }
  [[nodiscard]] bool hasErrors() const { return errors_ > 0; }
  /// How many diagnostics were reported past the limit and not kept.
  [[nodiscard]] std::size_t droppedCount() const { return dropped_; }
  /// Whether the limit is reached: what is reported now is only counted.
  [[nodiscard]] bool full() const { return diagnostics_.size() >= limit_; }
  [[nodiscard]] std::size_t limit() const { return limit_; }
  /// Sorts by file, line and column, keeping report order among equals.
  void sortByLocation();
  /// Takes `comparisons` (names compared) from the budget of "did you mean" searches; false
  /// once it is spent, and the search should not run. Thousands of misspelt names against
  /// thousands of declared ones would otherwise take minutes, as clang limits its spelling
  /// corrections (-fspell-checking-limit) for the same reason.
  [[nodiscard]] bool spendSuggestionComparisons(std::size_t comparisons);

  /// Names compared in all "did you mean" searches of one sink.
  static constexpr std::size_t kSuggestionComparisons = 2'000'000;

 private:
  std::vector<Diagnostic> diagnostics_;
  Diagnostic overflow_;  // target of builders once the limit is reached
  std::size_t limit_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  std::size_t dropped_ = 0;
  std::size_t suggestionComparisons_ = 0;
};

/// Edit distance based suggestion: the candidate closest to `name`, if close enough to be
/// a plausible typo. Used for every "did you mean" help line.
[[nodiscard]] std::optional<std::string> closestMatch(std::string_view name,
                                                      std::span<const std::string> candidates);

}  // namespace approval
