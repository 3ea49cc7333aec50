// Stage 1: bytes → tokens → AST. The only stage that knows about ANTLR.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "approval/source.h"

namespace approval {

/// The deepest nesting the front end, the IR reader and the evaluators support at all;
/// `InputLimits::maxNestingDepth` may be set up to this.
inline constexpr std::size_t kMaxSupportedNesting = 512;

/// Input limits: exceeding one is a diagnostic, never a crash.
struct InputLimits {
  std::size_t maxFileBytes = 64u * 1024u * 1024u;
  /// Brackets, parentheses and braces open at once, and the depth of an expression tree.
  std::size_t maxNestingDepth = 256;
  /// Transitions of one machine once each `*` or `[A, B]` source stands for one transition
  /// per state (E0110): what the IR, the checks and the runtime's tables hold.
  std::size_t maxTransitions = 100'000;
  /// Tokens of one file (E0111): the parser keeps every token and a tree node for it, about
  /// 450 bytes each in a list of names and 1,100 in a guard's expression (measured), so this
  /// bounds the memory a file takes to about 2 GB (a 64 MiB file of `B, B, ...` would be 22
  /// million tokens and 10 GB). A machine of 100,000 transitions (--max-transitions) written
  /// out one per line is about 1.7 million.
  std::size_t maxTokens = 2'000'000;
};

/// One lexical token, for `--emit tokens`.
struct Token {
  std::string kind;  // the lexer's token name, e.g. IDENT, ARROW
  std::string text;
  SourceSpan span;
};

/// What a source holds, for messages about it: a file of machines, or one expression
/// (`approvalc eval`).
enum class SourceKind { File, Expression };

/// Reads and strips a leading BOM, checks UTF-8 and size. Returns false (with a located
/// diagnostic) when the text cannot be lexed at all.
bool validateSource(const SourceFile& file, FileId id, const InputLimits& limits, DiagnosticSink& sink,
                    SourceKind kind = SourceKind::File);

/// Every token of the file including comments, in order (the text must be valid UTF-8).
[[nodiscard]] std::vector<Token> tokenize(const SourceFile& file, FileId id);

/// Parses one file. Always returns a File; on errors it holds what could be recovered.
[[nodiscard]] ast::File parseFile(const SourceManager& sources, FileId id,
                                  const InputLimits& limits, DiagnosticSink& sink);

/// Parses a file holding one guard expression (`approvalc eval`); null on errors.
[[nodiscard]] ast::ExprPtr parseExpression(const SourceManager& sources, FileId id, const InputLimits& limits,
                                           DiagnosticSink& sink);

}  // namespace approval
