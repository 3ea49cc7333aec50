// Source spans of ANTLR tokens and rule contexts. Internal to the syntax stage.
#pragma once

#include <antlr4-runtime.h>

#include "approval/source.h"

namespace approval::syntax {

/// The span of a token; multi-line tokens (triple-quoted strings, block comments) end on
/// their last line.
[[nodiscard]] SourceSpan spanOf(const antlr4::Token* token, FileId file);
/// The span of bytes [begin, end) of a token's text (an escape inside a string literal).
[[nodiscard]] SourceSpan spanWithin(const antlr4::Token* token, FileId file, std::size_t begin, std::size_t end);
/// From the first to the last token of a rule context.
[[nodiscard]] SourceSpan spanOf(antlr4::ParserRuleContext* context, FileId file);

/// Number of code points in valid UTF-8 text.
[[nodiscard]] std::uint32_t codePointCount(std::string_view text);

}  // namespace approval::syntax
