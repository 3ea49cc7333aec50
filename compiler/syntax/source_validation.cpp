// Checks that run on raw text before the lexer: the size limit and UTF-8 validity
// (the ANTLR input stream cannot represent invalid UTF-8).
#include <fmt/format.h>

#include "approval/syntax.h"

namespace approval {

namespace {

/// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is invalid
/// (truncated, overlong, surrogate, or above U+10FFFF).
std::size_t validSequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

bool validateSource(const SourceFile& file, FileId id, const InputLimits& limits, DiagnosticSink& sink) {
  const std::string& text = file.text();
  if (text.size() > limits.maxFileBytes) {
    sink.report(DiagnosticCode::FileTooLarge, SourceSpan{id, 1, 1, 1, 1},
                // Only limit + 1 bytes may have been read, so the size is not stated.
                fmt::format("`{}` is larger than the limit of {} bytes", file.path(), limits.maxFileBytes))
        .help("split the machines into several files, or raise the limit with --max-file-bytes");
    return false;
  }
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = validSequenceLength(text, i);
    if (length == 0) {
      sink.report(DiagnosticCode::InvalidUtf8, SourceSpan{id, line, column, line, column + 1},
                  fmt::format("invalid UTF-8 byte 0x{:02X}", static_cast<unsigned char>(text[i])))
          .label("not UTF-8")
          .help("approvalc reads UTF-8 only: re-save the file as UTF-8 (for example with "
                "`iconv -f GB18030 -t UTF-8`)");
      return false;
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return true;
}

}  // namespace approval
