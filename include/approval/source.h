// Source files and locations. Every AST node and diagnostic carries a SourceSpan.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace approval {

using FileId = std::uint32_t;

/// A range in one source file. Lines and columns are 1-based; columns count Unicode code
/// points, the way editors count characters. The end is exclusive.
struct SourceSpan {
  FileId file = 0;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t endLine = 0;
  std::uint32_t endColumn = 0;

  [[nodiscard]] bool valid() const { return line != 0; }
  /// The smallest span covering both; both must be in the same file.
  [[nodiscard]] SourceSpan to(const SourceSpan& end) const;
  bool operator==(const SourceSpan&) const = default;
};

/// One loaded file: its display path and its text with any UTF-8 BOM removed.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] std::size_t lineCount() const { return lineStarts_.size(); }
  /// The text of a 1-based line without its line terminator (LF or CRLF).
  [[nodiscard]] std::string_view line(std::uint32_t lineNumber) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::size_t> lineStarts_;
};

/// Owns every file of one compilation so that spans can be resolved back to text.
class SourceManager {
 public:
  FileId add(std::string path, std::string text);
  [[nodiscard]] const SourceFile& file(FileId id) const { return *files_.at(id); }
  [[nodiscard]] std::size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace approval
