// Documentation that must stay true: every diagnostic code is documented.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "approval/diagnostic.h"

TEST_CASE("docs/DIAGNOSTICS.md lists every diagnostic code with its severity") {
  std::ifstream stream(APPROVAL_SOURCE_DIR "/docs/DIAGNOSTICS.md");
  REQUIRE(stream.good());
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  const std::string text = buffer.str();
  for (const auto& info : approval::allDiagnostics()) {
    const std::string row = "| " + std::string(info.code) + " | " + std::string(approval::severityName(info.severity)) + " |";
    INFO(info.code);
    CHECK(text.find(row) != std::string::npos);
  }
}
