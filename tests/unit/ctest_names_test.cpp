// The CLI tests reach ctest one entry per TEST_CASE (doctest_discover_tests in
// tests/cli/CMakeLists.txt). CMake cuts a discovered name at a `;`, so the entry's filter then
// matches no test case and passes having run nothing: six cases did so unnoticed. This keeps
// every name selectable.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

TEST_CASE("every CLI test case name can be selected by its ctest entry") {
  const std::filesystem::path cli = std::filesystem::path(APPROVAL_SOURCE_DIR) / "tests" / "cli";
  const std::regex testCase(R"re(TEST_CASE\("((?:[^"\\]|\\.)*)")re");
  std::size_t names = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cli)) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream file(entry.path());
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    for (std::sregex_iterator it(text.begin(), text.end(), testCase), end; it != end; ++it) {
      const std::string name = (*it)[1].str();
      ++names;
      INFO(entry.path().filename().string() << ": " << name);
      CHECK(name.find(';') == std::string::npos);
    }
  }
  CHECK(names > 50);  // the scan found the cases
}
