// Drives ANTLR: validates the text, lexes, checks the token stream (lexical errors,
// bracket balance and nesting depth) before parsing so that the recursive-descent parser
// never sees input that could exhaust the stack, then parses in two stages (fast SLL,
// full LL only on failure) and hands the tree to the AST builder.
#include <ApprovalLexer.h>
#include <ApprovalParser.h>
#include <antlr4-runtime.h>
#include <fmt/format.h>

#include <vector>

#include "approval/syntax.h"
#include "approval/utf8.h"
#include "syntax/ast_builder.h"
#include "syntax/syntax_error_reporter.h"
#include "syntax/token_names.h"
#include "syntax/token_span.h"

namespace approval {

using grammar::ApprovalLexer;
using grammar::ApprovalParser;
using syntax::spanOf;

namespace {


/// Full-width punctuation typed with a CJK input method, and what was meant.
std::optional<std::string_view> asciiForFullWidth(std::string_view text) {
  static const std::pair<std::string_view, std::string_view> kPairs[] = {
      {"\uFF1A", ":"}, {"\uFF0C", ","}, {"\u201C", "\""}, {"\u201D", "\""}, {"\u2018", "'"},
      {"\u2019", "'"}, {"\uFF08", "("}, {"\uFF09", ")"}, {"\u3010", "["}, {"\u3011", "]"},
      {"\uFF3B", "["}, {"\uFF3D", "]"}, {"\uFF5B", "{"}, {"\uFF5D", "}"}, {"\uFF1D", "="},
      {"\uFF01", "!"}, {"\uFF1E", ">"}, {"\uFF1C", "<"}, {"\u3001", ","}, {"\uFF0E", "."},
      {"\u3002", "."}, {"\uFF0B", "+"}, {"\uFF0D", "-"}, {"\uFF0A", "*"}, {"\uFF05", "%"},
      {"\uFF06", "&"}, {"\uFF5C", "|"}, {"\uFF1F", "?"}, {"\uFF03", "#"}, {"\uFF0F", "/"},
  };
  for (const auto& [fullWidth, ascii] : kPairs) {
    if (text == fullWidth) return ascii;
  }
  return std::nullopt;
}

/// The code point `text` (one character, UTF-8) holds; 0xFFFD when it is not one.
char32_t codePointOf(std::string_view text) {
  if (text.empty() || utf8SequenceLength(text, 0) != text.size()) return 0xFFFD;
  return utf8CodePoint(text, 0, text.size());
}

/// Characters a reader cannot see or that break a line in some editors: controls (C0, C1),
/// spaces other than U+0020, zero-width and direction marks, line and paragraph separators,
/// the byte order mark. Messages name them by code point instead of printing them.
bool isInvisible(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD || c == 0x1680 || c == 0x180E ||
         (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F) ||
         c == 0x3000 || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB);
}

std::string helpForCharacter(const std::string& text) {
  if (text == "&" || text == "|") return "logical operators are written `&&` and `||`";
  if (text == "\u3000") return "did you mean a space? U+3000 is the full-width space typed by an input method";
  if (isInvisible(codePointOf(text))) return "remove it: it is invisible in most editors (retype the line if unsure)";
  if (text == "\uFF1B") return "remove it: the DSL needs no `;` between declarations";
  if (auto ascii = asciiForFullWidth(text)) {
    return fmt::format("did you mean `{}`? `{}` is the full-width form typed by an input method", *ascii, text);
  }
  return "remove it, or put it inside a string";
}

/// Reports each lexical error token; returns false if there was any.
bool reportLexicalErrors(const std::vector<antlr4::Token*>& tokens, FileId file, DiagnosticSink& sink) {
  bool clean = true;
  for (const antlr4::Token* token : tokens) {
    switch (token->getType()) {
      case ApprovalLexer::UNTERMINATED_STRING:
        sink.report(DiagnosticCode::UnterminatedString, spanOf(token, file),
                    "string literal is not closed before the end of the line")
            .label("this string has no closing quote")
            .help("add the closing quote; for a string over several lines use triple quotes \"\"\"...\"\"\"");
        clean = false;
        break;
      case ApprovalLexer::UNTERMINATED_COMMENT:
        sink.report(DiagnosticCode::UnterminatedComment, spanOf(token, file),
                    "block comment is never closed")
            .label("comment starts here")
            .help("close it with `*/`");
        clean = false;
        break;
      case ApprovalLexer::UNKNOWN_CHAR: {
        const std::string text = token->getText();
        const char32_t code = codePointOf(text);
        const std::string shown = isInvisible(code) || code == 0xFFFD
                                      ? fmt::format("U+{:04X}", static_cast<std::uint32_t>(code))
                                      : fmt::format("`{}`", text);
        sink.report(DiagnosticCode::UnexpectedCharacter, spanOf(token, file),
                    fmt::format("unexpected character {}", shown))
            .help(helpForCharacter(text));
        clean = false;
        break;
      }
      default:
        break;
    }
  }
  return clean;
}

bool isOpening(std::size_t type) {
  return type == ApprovalLexer::LPAREN || type == ApprovalLexer::LBRACKET || type == ApprovalLexer::LBRACE;
}
bool isClosing(std::size_t type) {
  return type == ApprovalLexer::RPAREN || type == ApprovalLexer::RBRACKET || type == ApprovalLexer::RBRACE;
}
std::size_t matchingClose(std::size_t open) {
  if (open == ApprovalLexer::LPAREN) return ApprovalLexer::RPAREN;
  if (open == ApprovalLexer::LBRACKET) return ApprovalLexer::RBRACKET;
  return ApprovalLexer::RBRACE;
}

/// Bracket balance and nesting depth. Unbalanced brackets get one precise diagnostic each
/// instead of the parser's cascade; too deep nesting stops before the parser recurses.
bool checkBrackets(const std::vector<antlr4::Token*>& tokens, FileId file, const InputLimits& limits,
                   const antlr4::dfa::Vocabulary& vocabulary, DiagnosticSink& sink) {
  std::vector<const antlr4::Token*> open;
  std::size_t prefixRun = 0;  // consecutive `!` / `-`: each nests one unary node
  for (const antlr4::Token* token : tokens) {
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    const std::size_t type = token->getType();
    prefixRun = (type == ApprovalLexer::BANG || type == ApprovalLexer::MINUS) ? prefixRun + 1 : 0;
    if (open.size() + prefixRun > limits.maxNestingDepth) {
      sink.report(DiagnosticCode::NestingTooDeep, spanOf(token, file),
                  fmt::format("nesting is deeper than the limit of {} levels", limits.maxNestingDepth))
          .label("too deep here")
          .help("split the expression, or name parts of it as context fields");
      return false;
    }
    if (isOpening(type)) {
      open.push_back(token);
    } else if (isClosing(type)) {
      if (open.empty() || matchingClose(open.back()->getType()) != type) {
        auto diagnostic = sink.report(DiagnosticCode::SyntaxError, spanOf(token, file),
                                      fmt::format("unmatched {}", syntax::describeTokenType(type, vocabulary)));
        if (open.empty()) {
          diagnostic.label("nothing to close").help("remove it");
        } else {
          diagnostic.label("does not close the bracket opened earlier")
              .secondary(spanOf(open.back(), file), "this is the innermost open bracket")
              .help(fmt::format("close it with {} first",
                                syntax::describeTokenType(matchingClose(open.back()->getType()), vocabulary)));
        }
        return false;
      }
      open.pop_back();
    }
  }
  if (!open.empty()) {
    const antlr4::Token* unclosed = open.back();
    sink.report(DiagnosticCode::SyntaxError, spanOf(unclosed, file),
                fmt::format("{} is never closed", syntax::describeTokenType(unclosed->getType(), vocabulary)))
        .label("opened here")
        .help(fmt::format("add the matching {} ",
                          syntax::describeTokenType(matchingClose(unclosed->getType()), vocabulary)) +
              "where the block ends");
    return false;
  }
  return true;
}


}  // namespace

std::vector<Token> tokenize(const SourceFile& file, FileId id) {
  antlr4::ANTLRInputStream input(file.text());
  ApprovalLexer lexer(&input);
  lexer.removeErrorListeners();
  std::vector<Token> result;
  for (auto token = lexer.nextToken(); token->getType() != antlr4::Token::EOF; token = lexer.nextToken()) {
    result.push_back(Token{lexer.getVocabulary().getSymbolicName(token->getType()), token->getText(),
                           spanOf(token.get(), id)});
  }
  return result;
}

namespace {

/// The lexer, ending the file early once it has made `limit` tokens: the token stream keeps
/// every token, so a file past the limit must stop before it is read into one. Counting in
/// the one lexing pass costs nothing measurable; a separate counting pass cost a third of
/// `approvalc check` on a 20,000-transition file.
class TokenLimitedLexer final : public ApprovalLexer {
 public:
  TokenLimitedLexer(antlr4::CharStream* input, std::size_t limit) : ApprovalLexer(input), limit_(limit) {}

  std::unique_ptr<antlr4::Token> nextToken() override {
    if (past_) return std::make_unique<antlr4::CommonToken>(antlr4::Token::EOF);
    auto token = ApprovalLexer::nextToken();
    if (token->getType() != antlr4::Token::EOF && ++count_ > limit_) {
      past_ = std::move(token);
      return std::make_unique<antlr4::CommonToken>(antlr4::Token::EOF);
    }
    return token;
  }

  /// The first token past the limit, if the file has one.
  [[nodiscard]] const antlr4::Token* firstPastLimit() const { return past_.get(); }

 private:
  std::size_t limit_;
  std::size_t count_ = 0;
  std::unique_ptr<antlr4::Token> past_;
};

/// Lexes, checks the tokens and parses with `entry` (a rule method of the parser), then
/// hands the tree to `build` while the parser still owns it. Returns `onFailure` when any
/// error stopped it before building.
template <typename Result, typename Entry, typename Build>
Result parseAndBuild(const SourceManager& sources, FileId id, SourceKind kind, const InputLimits& limits,
                     DiagnosticSink& sink, Entry entry, Build build, Result onFailure) {
  const SourceFile& file = sources.file(id);
  if (!validateSource(file, id, limits, sink, kind)) return onFailure;

  antlr4::ANTLRInputStream input(file.text());
  TokenLimitedLexer lexer(&input, limits.maxTokens);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  if (const antlr4::Token* past = lexer.firstPastLimit()) {
    const bool isFile = kind == SourceKind::File;
    sink.report(DiagnosticCode::TooManyTokens, spanOf(past, id),
                fmt::format("the {} has more than {} tokens", isFile ? "file" : "expression", limits.maxTokens))
        .label("token number " + std::to_string(limits.maxTokens + 1))
        .help(fmt::format("{}, or raise --max-tokens (each token costs the compiler up to about 1 KB of memory)",
                          isFile ? "split the machines into several files" : "shorten the expression"));
    return onFailure;
  }
  if (!reportLexicalErrors(tokens.getTokens(), id, sink)) return onFailure;
  if (!checkBrackets(tokens.getTokens(), id, limits, lexer.getVocabulary(), sink)) return onFailure;

  ApprovalParser parser(&tokens);
  parser.removeErrorListeners();
  syntax::SyntaxErrorReporter reporter(id, kind, sink);

  // Stage 1: SLL prediction, bail at the first error. Nearly every file parses here.
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  decltype((parser.*entry)()) tree = nullptr;
  try {
    tree = (parser.*entry)();
  } catch (const antlr4::ParseCancellationException&) {
    // Stage 2: full LL with error recovery, reporting every syntax error.
    tokens.seek(0);
    parser.reset();
    parser.addErrorListener(&reporter);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    tree = (parser.*entry)();
  }
  if (reporter.reported() > syntax::kMaxSyntaxErrorsPerFile) {
    sink.report(DiagnosticCode::SyntaxError, spanOf(tokens.get(tokens.size() - 1), id),
                fmt::format("{} more syntax errors not shown", reporter.reported() - syntax::kMaxSyntaxErrorsPerFile))
        .help("fix the first errors; later ones are often caused by them");
  }
  if (reporter.count() > 0) return onFailure;
  return build(tree);
}

}  // namespace

ast::File parseFile(const SourceManager& sources, FileId id, const InputLimits& limits, DiagnosticSink& sink) {
  ast::File result = parseAndBuild(
      sources, id, SourceKind::File, limits, sink, &ApprovalParser::file,
      [&](ApprovalParser::FileContext* tree) {
        ast::File file = syntax::buildAst(tree, id, limits, sink);
        if (file.machines.empty()) {
          sink.report(DiagnosticCode::NoMachine, SourceSpan{id, 1, 1, 1, 1},
                      fmt::format("`{}` declares no state machine", sources.file(id).path()))
              .help("a file holds one or more `state machine \"name\" { ... }` declarations");
        }
        return file;
      },
      ast::File{.file = id, .machines = {}});
  return result;
}

ast::ExprPtr parseExpression(const SourceManager& sources, FileId id, const InputLimits& limits, DiagnosticSink& sink) {
  return parseAndBuild(
      sources, id, SourceKind::Expression, limits, sink, &ApprovalParser::exprEntry,
      [&](ApprovalParser::ExprEntryContext* tree) { return syntax::buildExpressionAst(tree, id, limits, sink); },
      ast::ExprPtr{});
}

}  // namespace approval
