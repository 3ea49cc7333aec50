// Runs one golden file: compiles it and compares the diagnostics with its inline
// expectations. With --coverage DIR, checks instead that every diagnostic code of the
// table is expected by at least one golden file in DIR.
//
// Expectation syntax (in a `//` or `#` comment, on the line the diagnostic must carry):
//   // expect: error[E0201]
//   // expect: warning[W0401] text that must appear in the message or help
// Several `expect:` on one line mean several diagnostics there. The line (1-based) must
// match exactly; the column is not compared. A file may set input limits with
//   // limit: maxFileBytes=N, // limit: maxNestingDepth=N, // limit: maxTransitions=N or
//   // limit: maxTokens=N
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "approval/compiler.h"
#include "approval/render.h"

namespace {

struct Expectation {
  std::uint32_t line;
  std::string severity;
  std::string code;
  std::string text;
};

std::string readFile(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

std::vector<Expectation> parseExpectations(const std::string& text, approval::InputLimits& limits) {
  static const std::regex kExpect(R"(expect:\s*(error|warning|note)\[([EW]\d{4})\]([^\n]*?)(?=\s*(?:expect:|$)))");
  static const std::regex kLimit(R"(limit:\s*(maxFileBytes|maxNestingDepth|maxTransitions|maxTokens)=(\d+))");
  std::vector<Expectation> expectations;
  std::istringstream lines(text);
  std::string line;
  std::uint32_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (std::sregex_iterator it(line.begin(), line.end(), kExpect), end; it != end; ++it) {
      std::string message = (*it)[3].str();
      message.erase(0, message.find_first_not_of(' '));
      message.erase(message.find_last_not_of(' ') + 1);
      expectations.push_back({number, (*it)[1].str(), (*it)[2].str(), message});
    }
    std::smatch limit;
    if (std::regex_search(line, limit, kLimit)) {
      const auto value = std::stoull(limit[2].str());
      if (limit[1].str() == "maxFileBytes") limits.maxFileBytes = value;
      else if (limit[1].str() == "maxTransitions") limits.maxTransitions = value;
      else if (limit[1].str() == "maxTokens") limits.maxTokens = value;
      else limits.maxNestingDepth = value;
    }
  }
  return expectations;
}

bool matches(const Expectation& expected, const approval::Diagnostic& actual) {
  if (expected.line != actual.primary.line) return false;
  if (expected.code != actual.code()) return false;
  if (expected.severity != approval::severityName(actual.severity)) return false;
  if (expected.text.empty()) return true;
  return actual.message.find(expected.text) != std::string::npos ||
         (actual.help && actual.help->find(expected.text) != std::string::npos);
}

int runFile(const std::filesystem::path& path) {
  const std::string text = readFile(path);
  approval::InputLimits limits;
  const auto expectations = parseExpectations(text, limits);
  const auto compilation =
      approval::compile({{path.filename().string(), text}}, approval::CompileOptions{.limits = limits});
  const auto& diagnostics = compilation->diagnostics.diagnostics();

  std::vector<bool> used(diagnostics.size(), false);
  int failures = 0;
  for (const auto& expected : expectations) {
    bool found = false;
    for (std::size_t i = 0; i < diagnostics.size() && !found; ++i) {
      if (!used[i] && matches(expected, diagnostics[i])) used[i] = found = true;
    }
    if (!found) {
      ++failures;
      std::cerr << path.filename().string() << ":" << expected.line << ": missing expected " << expected.severity
                << "[" << expected.code << "]" << (expected.text.empty() ? "" : " containing \"" + expected.text + "\"")
                << "\n";
    }
  }
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    if (used[i]) continue;
    ++failures;
    std::cerr << "unexpected diagnostic:\n" << approval::renderText({diagnostics[i]}, compilation->sources);
  }
  if (failures > 0) {
    std::cerr << "--- all diagnostics of " << path.string() << " ---\n"
              << approval::renderText(diagnostics, compilation->sources);
    return 1;
  }
  std::cout << path.filename().string() << ": " << expectations.size() << " expectations met\n";
  return 0;
}

int checkCoverage(const std::filesystem::path& directory) {
  std::set<std::string> expected;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() != ".dsl") continue;
    approval::InputLimits limits;
    for (const auto& expectation : parseExpectations(readFile(entry.path()), limits)) expected.insert(expectation.code);
  }
  int missing = 0;
  for (const auto& info : approval::allDiagnostics()) {
    if (expected.contains(std::string(info.code))) continue;
    ++missing;
    std::cerr << "no golden test expects " << info.code << " (" << info.name << ")\n";
  }
  std::cout << approval::allDiagnostics().size() - static_cast<std::size_t>(missing) << " of "
            << approval::allDiagnostics().size() << " diagnostic codes have a golden test\n";
  return missing == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--coverage") return checkCoverage(argv[2]);
  if (argc != 2) {
    std::cerr << "usage: golden_runner FILE.dsl | --coverage DIR\n";
    return 2;
  }
  return runFile(argv[1]);
}
