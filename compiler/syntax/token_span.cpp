#include "syntax/token_span.h"

#include <ApprovalLexer.h>

#include <algorithm>
#include <tuple>

namespace approval::syntax {

std::uint32_t codePointCount(std::string_view text) {
  std::uint32_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

SourceSpan spanOf(const antlr4::Token* token, FileId file) {
  SourceSpan span;
  span.file = file;
  span.line = static_cast<std::uint32_t>(token->getLine());
  span.column = static_cast<std::uint32_t>(token->getCharPositionInLine()) + 1;
  if (token->getType() == antlr4::Token::EOF) {
    span.endLine = span.line;
    span.endColumn = span.column;
    return span;
  }
  // Start and stop are code-point indices into the input, so a token that cannot span lines
  // has its end without its text being converted back to UTF-8.
  const auto type = token->getType();
  const bool mayContainNewline = type == grammar::ApprovalLexer::STRING || type == grammar::ApprovalLexer::BYTES ||
                                 type == grammar::ApprovalLexer::BLOCK_COMMENT ||
                                 type == grammar::ApprovalLexer::UNTERMINATED_COMMENT ||
                                 type == grammar::ApprovalLexer::WHITESPACE;
  if (!mayContainNewline && token->getStopIndex() + 1 >= token->getStartIndex()) {
    span.endLine = span.line;
    span.endColumn = span.column + static_cast<std::uint32_t>(token->getStopIndex() + 1 - token->getStartIndex());
    return span;
  }
  const std::string text = token->getText();
  const auto lastNewline = text.rfind('\n');
  if (lastNewline == std::string::npos) {
    span.endLine = span.line;
    span.endColumn = span.column + codePointCount(text);
  } else {
    std::uint32_t newlines = 0;
    for (const char c : text) newlines += c == '\n' ? 1 : 0;
    span.endLine = span.line + newlines;
    span.endColumn = 1 + codePointCount(std::string_view(text).substr(lastNewline + 1));
  }
  return span;
}

SourceSpan spanWithin(const antlr4::Token* token, FileId file, std::size_t begin, std::size_t end) {
  const std::string text = token->getText();
  const SourceSpan whole = spanOf(token, file);
  // Where byte `offset` of the text is: lines and code points counted from the token's start.
  auto positionOf = [&](std::size_t offset) {
    const std::string_view before = std::string_view(text).substr(0, std::min(offset, text.size()));
    const auto lastNewline = before.rfind('\n');
    if (lastNewline == std::string_view::npos) return std::pair{whole.line, whole.column + codePointCount(before)};
    const auto newlines = static_cast<std::uint32_t>(std::count(before.begin(), before.end(), '\n'));
    return std::pair{whole.line + newlines, 1 + codePointCount(before.substr(lastNewline + 1))};
  };
  SourceSpan span;
  span.file = file;
  std::tie(span.line, span.column) = positionOf(begin);
  std::tie(span.endLine, span.endColumn) = positionOf(std::max(begin, end));
  return span;
}

SourceSpan spanOf(antlr4::ParserRuleContext* context, FileId file) {
  const SourceSpan start = spanOf(context->getStart(), file);
  const antlr4::Token* stop = context->getStop();
  if (stop == nullptr || stop->getTokenIndex() < context->getStart()->getTokenIndex()) return start;
  return start.to(spanOf(stop, file));
}

}  // namespace approval::syntax
