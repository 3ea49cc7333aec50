// Helpers shared by the end-to-end tests: running approvalc, locating the example inputs,
// and reading text diagnostics (`FILE:LINE:COL: severity[CODE]: message`).
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run_process.h"

#ifndef APPROVALC_PATH
#error "APPROVALC_PATH must name the approvalc binary under test"
#endif
#ifndef APPROVAL_SOURCE_DIR
#error "APPROVAL_SOURCE_DIR must name the project's source directory"
#endif

namespace cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitInputErrors = 1;
inline constexpr int kExitUsage = 2;

inline std::string approvalcPath() { return APPROVALC_PATH; }

/// The seed example of the design (shared/corpus), which must compile verbatim.
inline std::filesystem::path sharedSeedPath() {
  return std::filesystem::path(APPROVAL_SOURCE_DIR "/../shared/corpus/leave-approval.seed.dsl");
}

/// Every copy of the seed example that exists: shared/corpus, and examples/ when present.
inline std::vector<std::filesystem::path> seedPaths() {
  std::vector<std::filesystem::path> paths{sharedSeedPath()};
  const std::filesystem::path example(APPROVAL_SOURCE_DIR "/examples/leave-approval.seed.dsl");
  if (std::filesystem::exists(example)) paths.push_back(example);
  return paths;
}

/// Options that feed `text` to the child's standard input.
inline ProcessOptions withStdin(std::string text) {
  ProcessOptions options;
  options.stdinText = std::move(text);
  return options;
}

/// Runs approvalc with `args` (no shell involved).
inline ProcessResult approvalc(const std::vector<std::string>& args, const ProcessOptions& options = {}) {
  std::vector<std::string> argv{approvalcPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return runProcess(argv, options);
}

/// One `FILE:LINE:COL: severity[CODE]: message` header line of a text diagnostic.
struct TextDiagnostic {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string severity;  // error, warning
  std::string code;      // E0201
  std::string message;
};

/// Parses `text` as `<digits>` and returns the value, or nullopt.
inline std::optional<std::uint32_t> parseNumber(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

/// The header lines of all text diagnostics in `err` (hand-parsed: std::regex recurses per
/// character and could overflow on the very long lines some tests produce).
inline std::vector<TextDiagnostic> textDiagnostics(std::string_view err) {
  std::vector<TextDiagnostic> result;
  std::size_t start = 0;
  while (start < err.size()) {
    auto end = err.find('\n', start);
    if (end == std::string_view::npos) end = err.size();
    const std::string_view line = err.substr(start, end - start);
    start = end + 1;
    for (const std::string_view severity : {std::string_view("error"), std::string_view("warning")}) {
      const std::string marker = ": " + std::string(severity) + "[";
      const auto at = line.find(marker);
      if (at == std::string_view::npos) continue;
      const auto close = line.find("]: ", at + marker.size());
      if (close == std::string_view::npos) continue;
      // Before the marker: FILE:LINE:COL
      const std::string_view location = line.substr(0, at);
      const auto colon2 = location.rfind(':');
      if (colon2 == std::string_view::npos || colon2 == 0) continue;
      const auto colon1 = location.rfind(':', colon2 - 1);
      if (colon1 == std::string_view::npos || colon1 == 0) continue;
      const auto lineNumber = parseNumber(location.substr(colon1 + 1, colon2 - colon1 - 1));
      const auto columnNumber = parseNumber(location.substr(colon2 + 1));
      if (!lineNumber || !columnNumber) continue;
      TextDiagnostic diagnostic;
      diagnostic.file = std::string(location.substr(0, colon1));
      diagnostic.line = *lineNumber;
      diagnostic.column = *columnNumber;
      diagnostic.severity = std::string(severity);
      diagnostic.code = std::string(line.substr(at + marker.size(), close - at - marker.size()));
      diagnostic.message = std::string(line.substr(close + 3));
      result.push_back(std::move(diagnostic));
      break;
    }
  }
  return result;
}

/// The error diagnostics of `err` located in `file` (line and column >= 1, code like E0123).
inline std::vector<TextDiagnostic> locatedErrors(std::string_view err, const std::string& file) {
  std::vector<TextDiagnostic> result;
  for (auto& diagnostic : textDiagnostics(err)) {
    const bool wellFormedCode = diagnostic.code.size() == 5 && diagnostic.code[0] == 'E';
    if (diagnostic.severity == "error" && diagnostic.file == file && diagnostic.line >= 1 && diagnostic.column >= 1 &&
        wellFormedCode) {
      result.push_back(std::move(diagnostic));
    }
  }
  return result;
}

/// The first located error with `code`, if any.
inline std::optional<TextDiagnostic> findError(std::string_view err, const std::string& file, std::string_view code) {
  for (auto& diagnostic : locatedErrors(err, file)) {
    if (diagnostic.code == code) return diagnostic;
  }
  return std::nullopt;
}

/// True when `text` is well-formed UTF-8 (what a terminal or CI log can show).
inline bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t codePoint = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    }
    if ((byte & 0xE0) == 0xC0) {
      length = 2;
      codePoint = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      codePoint = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      codePoint = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      codePoint = (codePoint << 6) | (next & 0x3F);
    }
    const bool overlong =
        (length == 2 && codePoint < 0x80) || (length == 3 && codePoint < 0x800) || (length == 4 && codePoint < 0x10000);
    if (overlong || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

inline bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

inline bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

/// A shell prefix that caps approvalc's address space at `kilobytes`, to show it stays within
/// that memory; nothing under AddressSanitizer, whose shadow memory needs terabytes of
/// address space reserved (the test then checks the answer only).
inline std::string addressSpaceCap(std::size_t kilobytes) {
#if defined(__SANITIZE_ADDRESS__)
  (void)kilobytes;
  return "";
#else
  return "ulimit -v " + std::to_string(kilobytes) + "; ";
#endif
}

/// A small valid machine with one file-wide name, used as a base by several tests.
inline std::string simpleMachine(const std::string& name = "simple") {
  return "state machine \"" + name +
         "\" {\n"
         "  initial: DRAFT\n"
         "  states: [DRAFT, DONE]\n"
         "  transitions {\n"
         "    DRAFT -> DONE on \"finish\"\n"
         "  }\n"
         "}\n";
}

}  // namespace cli

/// The process ran to completion (no signal, no timeout) and exited with `code`.
#define CHECK_EXIT(result, code)                        \
  do {                                                  \
    const ::cli::ProcessResult& cli_result_ = (result); \
    INFO(cli_result_.describe());                       \
    REQUIRE(cli_result_.started);                       \
    CHECK_FALSE(cli_result_.timedOut);                  \
    CHECK_FALSE(cli_result_.signaled);                  \
    CHECK(cli_result_.exitCode == (code));              \
  } while (false)

/// As CHECK_EXIT, but stops the test case on a mismatch.
#define REQUIRE_EXIT(result, code)                      \
  do {                                                  \
    const ::cli::ProcessResult& cli_result_ = (result); \
    INFO(cli_result_.describe());                       \
    REQUIRE(cli_result_.started);                       \
    REQUIRE_FALSE(cli_result_.timedOut);                \
    REQUIRE_FALSE(cli_result_.signaled);                \
    REQUIRE(cli_result_.exitCode == (code));            \
  } while (false)

/// The process ran to completion: it was not killed by a signal and did not time out.
#define CHECK_NO_CRASH(result)                          \
  do {                                                  \
    const ::cli::ProcessResult& cli_result_ = (result); \
    INFO(cli_result_.describe());                       \
    REQUIRE(cli_result_.started);                       \
    CHECK_FALSE(cli_result_.timedOut);                  \
    CHECK_FALSE(cli_result_.signaled);                  \
  } while (false)
