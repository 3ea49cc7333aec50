#include "approval/source.h"

#include <algorithm>

namespace approval {

SourceSpan SourceSpan::to(const SourceSpan& end) const {
  SourceSpan merged = *this;
  if (!valid()) return end;
  if (!end.valid()) return merged;
  if (end.endLine > endLine || (end.endLine == endLine && end.endColumn > endColumn)) {
    merged.endLine = end.endLine;
    merged.endColumn = end.endColumn;
  }
  return merged;
}

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (std::string_view(text_).substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text_.erase(0, kByteOrderMark.size());
  }
  lineStarts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') lineStarts_.push_back(i + 1);
  }
}

std::string_view SourceFile::line(std::uint32_t lineNumber) const {
  if (lineNumber == 0 || lineNumber > lineStarts_.size()) return {};
  const std::size_t start = lineStarts_[lineNumber - 1];
  std::size_t end = lineNumber < lineStarts_.size() ? lineStarts_[lineNumber] - 1 : text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(start, end - start);
}

FileId SourceManager::add(std::string path, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text)));
  return static_cast<FileId>(files_.size() - 1);
}

}  // namespace approval
