// Checks that run on raw text before the lexer: the size limit and UTF-8 validity
// (the ANTLR input stream cannot represent invalid UTF-8).
#include <fmt/format.h>

#include "approval/syntax.h"
#include "approval/utf8.h"

namespace approval {

bool validateSource(const SourceFile& file, FileId id, const InputLimits& limits, DiagnosticSink& sink,
                    SourceKind kind) {
  const std::string& text = file.text();
  if (text.size() > limits.maxFileBytes) {
    const bool isFile = kind == SourceKind::File;
    sink.report(DiagnosticCode::FileTooLarge, SourceSpan{id, 1, 1, 1, 1},
                // Only limit + 1 bytes may have been read, so the size is not stated.
                fmt::format("{} is larger than the limit of {} bytes",
                            isFile ? fmt::format("`{}`", file.path()) : std::string("the expression"),
                            limits.maxFileBytes))
        .help(fmt::format("{}, or raise the limit with --max-file-bytes",
                          isFile ? "split the machines into several files" : "shorten the expression"));
    return false;
  }
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8SequenceLength(text, i);
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
