#include "input_files.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace approval::driver {

namespace {

Result<InputFile> readOne(const std::string& path, std::size_t maxBytes) {
  if (path == "-") {
    std::string text;
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return InputFile{"<stdin>", std::move(text)};
  }
  if (auto readable = checkReadable(path); !readable) return readable.error();
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return Error{fmt::format("cannot read `{}`: {}", path, std::strerror(errno))};
  // Read at most one byte past the limit: enough for the compiler to report the limit
  // without loading a huge file into memory.
  std::string text(maxBytes + 1, '\0');
  stream.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (stream.bad()) return Error{fmt::format("cannot read `{}`: {}", path, std::strerror(errno))};
  text.resize(static_cast<std::size_t>(stream.gcount()));
  return InputFile{path, std::move(text)};
}

}  // namespace

Result<bool> checkReadable(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return Error{fmt::format("cannot read `{}`: it is a directory", path)};
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return Error{fmt::format("cannot read `{}`: {}", path, std::strerror(errno))};
  return true;
}

Result<std::vector<InputFile>> readInputs(const std::vector<std::string>& paths, std::size_t maxBytes) {
  std::vector<InputFile> inputs;
  for (const auto& path : paths) {
    auto input = readOne(path, maxBytes);
    if (!input) return input.error();
    inputs.push_back(std::move(input).value());
  }
  return inputs;
}

}  // namespace approval::driver
