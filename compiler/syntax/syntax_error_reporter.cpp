#include "syntax/syntax_error_reporter.h"

#include <ApprovalLexer.h>
#include <ApprovalParser.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

#include "approval/time_text.h"
#include "eval/time_format.h"
#include "syntax/token_names.h"
#include "syntax/token_span.h"

namespace approval::syntax {

using grammar::ApprovalLexer;
using grammar::ApprovalParser;

namespace {

/// Syntax errors within this many tokens of the previous one are taken as its cascade.
constexpr std::size_t kCascadeWindow = 3;

}  // namespace

class SyntaxErrorReporter::Impl {
 public:
  Impl(FileId file, SourceKind kind, DiagnosticSink& sink)
      : file_(file), sink_(sink), end_(kind == SourceKind::File ? "end of file" : "end of the expression") {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, std::size_t, std::size_t,
                   const std::string&, std::exception_ptr) {
    ++count_;
    // The parser's recovery often trips again over the same mistake within a few tokens:
    // one diagnostic per mistake.
    const std::size_t index = offending->getTokenIndex();
    if (reported_ > 0 && index <= lastIndex_ + kCascadeWindow) {
      lastIndex_ = std::max(lastIndex_, index);
      return;
    }
    lastIndex_ = index;
    if (++reported_ > kMaxSyntaxErrorsPerFile) return;

    auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
    const auto& vocabulary = recognizer->getVocabulary();
    const std::string found = offending->getType() == antlr4::Token::EOF
                                  ? end_
                                  : fmt::format("`{}`", offending->getText());
    const std::string expected = parser == nullptr ? std::string() : describeExpected(parser->getExpectedTokens(), vocabulary, end_);
    const antlr4::Token* previous = parser == nullptr ? nullptr : previousVisibleToken(*parser, index);
    const SourceSpan offendingSpan = spanOf(offending, file_);

    if (parser != nullptr && reportGluedLiteral(*parser, offending)) return;
    // Newlines mean nothing to the grammar, so a construct cut short at the end of a line is
    // only noticed at the next line's first token. Point at the end of the line instead,
    // where the mistake is, as rustc does.
    if (previous != nullptr && !expected.empty() && offendingSpan.line > spanOf(previous, file_).endLine) {
      const SourceSpan previousSpan = spanOf(previous, file_);
      const SourceSpan afterPrevious{file_, previousSpan.endLine, previousSpan.endColumn, previousSpan.endLine,
                                     previousSpan.endColumn + 1};
      auto diagnostic = sink_.report(DiagnosticCode::SyntaxError, afterPrevious,
                                     fmt::format("expected {} after `{}`", expected, previous->getText()));
      diagnostic.label(fmt::format("expected {} here", expected))
          .secondary(offendingSpan, fmt::format("found {} next", found));
      addRuleNote(parser, diagnostic);
      return;
    }
    if (parser != nullptr && reportMalformedDuration(*parser, offending, previous)) return;
    if (parser != nullptr && reportLineCutShort(*parser, offending, found)) return;
    auto diagnostic = sink_.report(DiagnosticCode::SyntaxError, offendingSpan, fmt::format("unexpected {}", found));
    if (!expected.empty()) diagnostic.label(fmt::format("expected {}", expected));
    if (offending->getText() == "=") {  // `if a = 1`: the guard ended at `a`
      diagnostic.help("to compare, write `==`; a guard assigns nothing (an action's `set(field, value)` does)");
    }
    addRuleNote(parser, diagnostic);
  }

  [[nodiscard]] std::size_t count() const { return count_; }
  [[nodiscard]] std::size_t reported() const { return reported_; }

 private:
  /// `B → C on "y" if` or `... → notify(),` at the end of a line: the grammar ignores line
  /// ends, so the next line, a transition or route of its own, is read as the guard or the
  /// next action, and the parser trips in its middle (at `on` or `→`). When the error's line
  /// starts like a transition or a route and the line before ends in `if`, `,` or `→`, the
  /// mistake is that last token: report it there. False when the error is something else.
  /// Whether the line starting at `start` begins like a transition or a route: a source
  /// (a name, `*`, an event's string, or a `[A, B]` list of states on that line) and `→`.
  static bool startsWithSourceAndArrow(antlr4::TokenStream& tokens, const antlr4::Token& start) {
    const auto type = start.getType();
    if (type == ApprovalLexer::IDENT || type == ApprovalLexer::STAR || type == ApprovalLexer::STRING) {
      return nextVisible(tokens, start.getTokenIndex())->getType() == ApprovalLexer::ARROW;
    }
    if (type != ApprovalLexer::LBRACKET) return false;
    // `[A, B] →`: names and commas up to the `]`, all on the line.
    for (const antlr4::Token* token = nextVisible(tokens, start.getTokenIndex());
         token->getLine() == start.getLine(); token = nextVisible(tokens, token->getTokenIndex())) {
      if (token->getType() == ApprovalLexer::RBRACKET) {
        return nextVisible(tokens, token->getTokenIndex())->getType() == ApprovalLexer::ARROW;
      }
      if (token->getType() != ApprovalLexer::IDENT && token->getType() != ApprovalLexer::COMMA) return false;
    }
    return false;
  }

  bool reportLineCutShort(antlr4::Parser& parser, const antlr4::Token* offending, const std::string& found) {
    // What trips the parser in a line read as a continuation: the line's trigger or arrow.
    const auto offendingType = offending->getType();
    if (offendingType != ApprovalLexer::ON && offendingType != ApprovalLexer::AFTER &&
        offendingType != ApprovalLexer::ARROW) {
      return false;
    }
    antlr4::TokenStream* tokens = parser.getTokenStream();
    const std::size_t line = offending->getLine();
    const antlr4::Token* lineStart = nullptr;
    const antlr4::Token* lastBefore = nullptr;  // the last visible token of an earlier line
    for (std::size_t index = offending->getTokenIndex(); index > 0;) {
      const antlr4::Token* token = tokens->get(--index);
      if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
      if (token->getLine() == line) {
        lineStart = token;
        continue;
      }
      lastBefore = token;
      break;
    }
    if (lineStart == nullptr || lastBefore == nullptr) return false;  // the error is the line's first token
    const bool startsTransitionOrRoute = startsWithSourceAndArrow(*tokens, *lineStart);
    const auto lastType = lastBefore->getType();
    if (!startsTransitionOrRoute || !(lastType == ApprovalLexer::IF || lastType == ApprovalLexer::COMMA ||
                                      lastType == ApprovalLexer::ARROW || isOperatorNeedingOperand(lastType))) {
      return false;
    }
    const std::string help = lastType == ApprovalLexer::IF      ? "write the guard after `if`, or remove the `if`"
                             : lastType == ApprovalLexer::COMMA ? "remove the trailing `,`"
                             : lastType == ApprovalLexer::ARROW ? "write what follows `→` on this line, or remove it"
                                                                : "finish the expression on this line";
    sink_.report(DiagnosticCode::SyntaxError, spanOf(lastBefore, file_),
                 fmt::format("`{}` ends line {} unfinished, so line {} was read as its continuation",
                             lastBefore->getText(), lastBefore->getLine(), line))
        .label("nothing follows on this line")
        .secondary(spanOf(offending, file_), fmt::format("found {} here", found))
        .help(help);
    return true;
  }

  /// An operator that cannot end an expression: its right operand (or the rest of `?:`) must follow.
  static bool isOperatorNeedingOperand(std::size_t type) {
    switch (type) {
      case ApprovalLexer::EQ: case ApprovalLexer::NE: case ApprovalLexer::LE: case ApprovalLexer::GE:
      case ApprovalLexer::LT: case ApprovalLexer::GT: case ApprovalLexer::LAND: case ApprovalLexer::LOR:
      case ApprovalLexer::BANG: case ApprovalLexer::PLUS: case ApprovalLexer::MINUS: case ApprovalLexer::STAR:
      case ApprovalLexer::SLASH: case ApprovalLexer::PERCENT: case ApprovalLexer::IN: case ApprovalLexer::QUESTION:
      case ApprovalLexer::COLON:
        return true;
      default:
        return false;
    }
  }

  static const antlr4::Token* nextVisible(antlr4::TokenStream& tokens, std::size_t index) {
    for (const antlr4::Token* token = tokens.get(++index);; token = tokens.get(++index)) {
      if (token->getChannel() == antlr4::Token::DEFAULT_CHANNEL || token->getType() == antlr4::Token::EOF) return token;
    }
  }

  static constexpr const char* kDurationUnits = "a duration is digits followed by `ms`, `s`, `m`, `h` or `d` (lower "
                                                "case), compounded as in `1h30m`";

  static bool adjacent(const antlr4::Token* left, const antlr4::Token* right) {
    return right->getStartIndex() == left->getStopIndex() + 1;
  }

  /// `1hh`, `5mm` and `1h30x` lex as a duration (`1h`) glued to a name or a number, and `3x`,
  /// `1.5h` and `3ns` as a number glued to a name, which the parser may take as the start of
  /// the next transition and trip over tokens later, or call "too long" nothing: says what
  /// is wrong with the glued text instead. Looks back a few tokens from the error for it;
  /// false when there is none.
  bool reportGluedLiteral(antlr4::Parser& parser, const antlr4::Token* offending) {
    constexpr std::size_t kLookBack = 6;
    antlr4::TokenStream* tokens = parser.getTokenStream();
    const std::size_t last = offending->getTokenIndex();
    std::size_t first = last > kLookBack ? last - kLookBack : 0;
    first = std::max(first, gluedReportedBefore_);  // a later error near a reported one is not it again
    for (std::size_t index = first; index < last; ++index) {
      const antlr4::Token* literal = tokens->get(index);
      const auto literalType = literal->getType();
      const bool isDuration = literalType == ApprovalLexer::DURATION;
      if (!isDuration && !isNumber(literalType)) continue;
      std::string glued = literal->getText();
      SourceSpan whole = spanOf(literal, file_);
      for (const antlr4::Token* previous = literal;;) {
        const antlr4::Token* next = tokens->get(previous->getTokenIndex() + 1);
        const auto type = next->getType();
        if ((type != ApprovalLexer::IDENT && type != ApprovalLexer::INT && type != ApprovalLexer::DURATION) ||
            !adjacent(previous, next)) {
          break;
        }
        glued += next->getText();
        const SourceSpan nextSpan = spanOf(next, file_);
        whole.endLine = nextSpan.endLine;
        whole.endColumn = nextSpan.endColumn;
        previous = next;
      }
      if (glued.size() == literal->getText().size()) continue;
      if (isDuration) {
        reportUnknownUnit(whole, glued);
      } else {
        reportGluedNumber(whole, literal->getText(), glued);
      }
      gluedReportedBefore_ = index + 1;
      return true;
    }
    return false;
  }

  static bool isNumber(std::size_t type) {
    return type == ApprovalLexer::INT || type == ApprovalLexer::UINT || type == ApprovalLexer::DOUBLE;
  }

  /// `3x`: a number with letters right after it. When `duration("...")` reads the whole
  /// (`1.5h`, `3ns`: CEL's duration text, not the literal's), that is the fix; otherwise
  /// the letters are a name that needs an operator before it.
  void reportGluedNumber(const SourceSpan& span, const std::string& number, const std::string& glued) {
    if (eval::parseDuration(glued)) {
      sink_.report(DiagnosticCode::SyntaxError, span,
                   fmt::format("`{}` is not a duration literal: a literal is whole numbers of ms, s, m, h or d", glued))
          .label("not a literal")
          .help(fmt::format("write `duration(\"{}\")`, which reads CEL's duration text", glued));
      return;
    }
    const std::string letters = glued.substr(number.size());
    sink_.report(DiagnosticCode::SyntaxError, span,
                 fmt::format("`{}` is not a number: `{}` follows the number `{}` without a space", glued, letters, number))
        .label("a number glued to a name")
        .help(fmt::format("to use `{}`, put an operator between them (`{} * {}`); {}", letters, number, letters,
                          kDurationUnits));
  }

  /// "`1hh` is not a duration: `hh` is not a unit", naming the first unit of `text` that the
  /// language does not have (the whole text, when it cannot be cut into numbers and units).
  void reportUnknownUnit(const SourceSpan& span, const std::string& text) {
    static const std::set<std::string_view> kUnits = {"ms", "s", "m", "h", "d"};
    std::string message = fmt::format("`{}` is not a duration", text);
    if (const auto parts = durationTextParts(text)) {
      for (const auto& part : *parts) {
        if (kUnits.contains(part.unit)) continue;
        message += fmt::format(": `{}` is not a unit", part.unit);
        break;
      }
    }
    sink_.report(DiagnosticCode::SyntaxError, span, message).label("unknown unit").help(kDurationUnits);
  }

  /// `after 1ns` lexes as the number 1 and the name `ns`, and `after 1h 30m` as two
  /// durations: the parser would blame the `1` or the `30m`. Says what is wrong with the
  /// duration instead; false when the error is something else.
  bool reportMalformedDuration(antlr4::Parser& parser, const antlr4::Token* offending, const antlr4::Token* previous) {
    const auto type = offending->getType();
    if (type == ApprovalLexer::INT && parser.getExpectedTokens().contains(static_cast<ssize_t>(ApprovalLexer::DURATION))) {
      const antlr4::Token* unit = parser.getTokenStream()->get(offending->getTokenIndex() + 1);
      if (unit->getType() != ApprovalLexer::IDENT || !adjacent(offending, unit)) return false;
      SourceSpan whole = spanOf(offending, file_);
      const SourceSpan unitSpan = spanOf(unit, file_);
      whole.endLine = unitSpan.endLine;
      whole.endColumn = unitSpan.endColumn;
      reportUnknownUnit(whole, offending->getText() + unit->getText());
      return true;
    }
    if (type == ApprovalLexer::DURATION && previous != nullptr && previous->getType() == ApprovalLexer::DURATION &&
        previous->getLine() == offending->getLine()) {
      sink_.report(DiagnosticCode::SyntaxError, spanOf(offending, file_),
                   fmt::format("a duration's parts are written together: `{}{}`, not `{} {}`", previous->getText(),
                               offending->getText(), previous->getText(), offending->getText()))
          .label("a second duration")
          .help(kDurationUnits);
      return true;
    }
    return false;
  }

  static const antlr4::Token* previousVisibleToken(antlr4::Parser& parser, std::size_t index) {
    antlr4::TokenStream* tokens = parser.getTokenStream();
    while (index > 0) {
      --index;
      const antlr4::Token* token = tokens->get(index);
      if (token->getChannel() == antlr4::Token::DEFAULT_CHANNEL) return token;
    }
    return nullptr;
  }

  static void addRuleNote(antlr4::Parser* parser, DiagnosticBuilder& diagnostic) {
    if (parser == nullptr) return;
    if (auto* context = parser->getContext(); context != nullptr) {
      diagnostic.note(fmt::format("while reading {}", describeRule(context->getRuleIndex())));
    }
  }

  static bool startsExpression(std::size_t type) {
    switch (type) {
      case ApprovalLexer::IDENT: case ApprovalLexer::DOT: case ApprovalLexer::LPAREN: case ApprovalLexer::LBRACKET:
      case ApprovalLexer::LBRACE: case ApprovalLexer::MINUS: case ApprovalLexer::BANG: case ApprovalLexer::INT:
      case ApprovalLexer::UINT: case ApprovalLexer::DOUBLE: case ApprovalLexer::STRING: case ApprovalLexer::BYTES:
      case ApprovalLexer::DURATION: case ApprovalLexer::TRUE_LIT: case ApprovalLexer::FALSE_LIT:
      case ApprovalLexer::NULL_LIT:
        return true;
      default:
        return false;
    }
  }

  static std::string describeExpected(const antlr4::misc::IntervalSet& set, const antlr4::dfa::Vocabulary& vocabulary,
                                      const std::string& end) {
    std::vector<std::string> names;
    const auto has = [&](std::size_t type) { return set.contains(static_cast<ssize_t>(type)); };
    const bool nameExpected = has(ApprovalLexer::IDENT);
    // Where any expression may start, "an expression" says more than sixteen token names.
    const bool expressionExpected = nameExpected && has(ApprovalLexer::INT) && has(ApprovalLexer::STRING) &&
                                    has(ApprovalLexer::LPAREN) && has(ApprovalLexer::BANG);
    if (expressionExpected) names.emplace_back("an expression");
    for (const auto& interval : set.getIntervals()) {
      for (ssize_t type = interval.a; type <= interval.b; ++type) {
        const auto tokenType = static_cast<std::size_t>(type);
        if (nameExpected && syntax::isSoftKeyword(tokenType)) continue;
        if (expressionExpected && startsExpression(tokenType)) continue;
        names.push_back(tokenType == antlr4::Token::EOF ? end : syntax::describeTokenType(tokenType, vocabulary));
      }
    }
    if (names.empty()) return {};
    constexpr std::size_t kShown = 6;
    std::string text;
    const std::size_t shown = std::min(names.size(), kShown);
    for (std::size_t i = 0; i < shown; ++i) {
      if (i > 0) text += (i + 1 == shown && names.size() <= kShown) ? " or " : ", ";
      text += names[i];
    }
    if (names.size() > kShown) text += fmt::format(", or one of {} others", names.size() - kShown);
    return text;
  }

  static std::string describeRule(std::size_t rule) {
    switch (rule) {
      case ApprovalParser::RuleMachine: return "a `state machine \"name\" { ... }` declaration";
      case ApprovalParser::RuleSection: return "a machine section (initial, states, transitions, ...)";
      case ApprovalParser::RuleFieldDecl: return "a field declaration `name: type`";
      case ApprovalParser::RuleTypeRef: return "a type";
      case ApprovalParser::RuleEventDecl: return "an event declaration";
      case ApprovalParser::RuleQuorumPolicy: return "a quorum policy (`2`, `60% of reviewers`, `all of reviewers`)";
      case ApprovalParser::RuleStateList: return "a state list `[A, B]`";
      case ApprovalParser::RuleTransition: return "a transition `SRC → DST on \"event\"`";
      case ApprovalParser::RuleTrigger: return "a trigger (`on \"event\"` or `after 48h`)";
      case ApprovalParser::RuleAction: case ApprovalParser::RuleCall: return "an action call";
      case ApprovalParser::RuleRoute: return "a route `\"event\" → \"target\"`";
      default: return "an expression";
    }
  }

  FileId file_;
  DiagnosticSink& sink_;
  std::string end_;           // where the input ends, as a message names it
  std::size_t count_ = 0;     // every syntax error ANTLR found
  std::size_t reported_ = 0;  // those that became diagnostics
  std::size_t lastIndex_ = 0;
  std::size_t gluedReportedBefore_ = 0;  // glued literals (`1hh`, `3x`) before this token index are reported
};

SyntaxErrorReporter::SyntaxErrorReporter(FileId file, SourceKind kind, DiagnosticSink& sink)
    : impl_(std::make_unique<Impl>(file, kind, sink)) {}
SyntaxErrorReporter::~SyntaxErrorReporter() = default;

void SyntaxErrorReporter::syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, std::size_t line,
                                      std::size_t column, const std::string& message, std::exception_ptr error) {
  impl_->syntaxError(recognizer, offending, line, column, message, std::move(error));
}

std::size_t SyntaxErrorReporter::count() const { return impl_->count(); }
std::size_t SyntaxErrorReporter::reported() const { return impl_->reported(); }

}  // namespace approval::syntax
