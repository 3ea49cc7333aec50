#include "input_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <sstream>

namespace approval::driver {

namespace {

/// At most `maxBytes` + 1 bytes of `stream` (one byte past the limit is enough for the
/// compiler to report it), in chunks: memory follows what the input holds, not the limit.
std::string readAtMost(std::istream& stream, std::size_t maxBytes) {
  const std::size_t wanted = maxBytes == std::numeric_limits<std::size_t>::max() ? maxBytes : maxBytes + 1;
  std::string text;
  constexpr std::size_t kChunk = 1 << 16;
  while (text.size() < wanted && stream) {
    const std::size_t had = text.size();
    text.resize(had + std::min(kChunk, wanted - had));
    stream.read(text.data() + had, static_cast<std::streamsize>(text.size() - had));
    text.resize(had + static_cast<std::size_t>(stream.gcount()));
  }
  return text;
}

Result<InputFile> readOne(const std::string& path, std::size_t maxBytes) {
  if (path == "-") {
    std::string text = readAtMost(std::cin, maxBytes);
    if (auto failed = standardInputError()) return Error{std::move(*failed)};
    return InputFile{"<stdin>", std::move(text)};
  }
  if (auto readable = checkReadable(path); !readable) return readable.error();
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return Error{fmt::format("cannot read `{}`: {}", path, std::strerror(errno))};
  std::string text = readAtMost(stream, maxBytes);
  if (stream.bad()) return Error{fmt::format("cannot read `{}`: {}", path, std::strerror(errno))};
  return InputFile{path, std::move(text)};
}

}  // namespace

std::optional<std::string> standardInputError() {
  // std::cin reads through C's stdin (synced with stdio): its error flag is where a failed
  // read shows; the stream itself only sees an end of file.
  if (std::cin.bad() || std::ferror(stdin) != 0) return fmt::format("cannot read standard input: {}", std::strerror(errno));
  return std::nullopt;
}

Result<bool> checkReadable(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return Error{fmt::format("cannot read `{}`: it is a directory", path)};
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return Error{fmt::format("cannot read `{}`: {}", path, std::strerror(errno))};
  return true;
}

Result<std::vector<InputFile>> readInputs(const std::vector<std::string>& paths, std::size_t maxBytes) {
  // A second `-` would read what the first left: nothing.
  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    return Error{"`-` (standard input) can be given once: it is read to its end the first time"};
  }
  std::vector<InputFile> inputs;
  for (const auto& path : paths) {
    auto input = readOne(path, maxBytes);
    if (!input) return input.error();
    inputs.push_back(std::move(input).value());
  }
  return inputs;
}

}  // namespace approval::driver
