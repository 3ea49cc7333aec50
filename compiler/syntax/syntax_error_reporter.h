// Turns ANTLR's syntax errors into diagnostics that name what was found and what was
// expected, one per mistake (the parser's recovery trips again within a few tokens), and
// finds the mistakes that show only on the next line (a line cut short, a missing operator).
#pragma once

#include <antlr4-runtime.h>

#include <cstddef>
#include <memory>
#include <string>

#include "approval/diagnostic.h"
#include "approval/source.h"
#include "approval/syntax.h"

namespace approval::syntax {

/// Syntax errors reported per file; the rest are counted in one last diagnostic.
inline constexpr std::size_t kMaxSyntaxErrorsPerFile = 20;

class SyntaxErrorReporter final : public antlr4::BaseErrorListener {
 public:
  /// `kind` names where the input ends: "end of file", or "end of the expression" for
  /// `approvalc eval`'s text, which is no file.
  SyntaxErrorReporter(FileId file, SourceKind kind, DiagnosticSink& sink);
  ~SyntaxErrorReporter() override;
  SyntaxErrorReporter(const SyntaxErrorReporter&) = delete;
  SyntaxErrorReporter& operator=(const SyntaxErrorReporter&) = delete;

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, std::size_t line,
                   std::size_t column, const std::string& message, std::exception_ptr error) override;
  /// Syntax errors seen, and the mistakes among them (cascades counted once).
  [[nodiscard]] std::size_t count() const;
  [[nodiscard]] std::size_t reported() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace approval::syntax
