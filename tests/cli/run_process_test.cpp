// The test harness itself: runProcess must tell exit codes, signals and hangs apart, or the
// end-to-end tests could pass on a crashing or hanging compiler.
#include "run_process.h"

#include <doctest/doctest.h>

#include <csignal>

using namespace cli;

namespace {
const std::string kShell = "/bin/sh";
}

TEST_CASE("harness: exit status and separate output streams") {
  const auto result = runProcess({kShell, "-c", "printf out; printf err >&2; exit 3"});
  REQUIRE(result.started);
  CHECK(result.exited);
  CHECK(result.exitCode == 3);
  CHECK_FALSE(result.signaled);
  CHECK_FALSE(result.timedOut);
  CHECK(result.out == "out");
  CHECK(result.err == "err");
}

TEST_CASE("harness: arguments are passed without a shell") {
  const std::string tricky = "a b 'c' \"d\" $HOME ; | *";
  const auto result = runProcess({kShell, "-c", "printf '%s' \"$1\"", "sh", tricky});
  CHECK(result.exitCode == 0);
  CHECK(result.out == tricky);
}

TEST_CASE("harness: standard input larger than a pipe buffer") {
  std::string input(1 << 20, 'x');
  for (std::size_t i = 0; i < input.size(); i += 97) input[i] = '\n';
  ProcessOptions options;
  options.stdinText = input;
  const auto result = runProcess({"/bin/cat"}, options);
  CHECK(result.exitCode == 0);
  CHECK(result.out == input);
}

TEST_CASE("harness: a child that ignores its input does not block the parent") {
  ProcessOptions options;
  options.stdinText = std::string(1 << 20, 'x');
  const auto result = runProcess({kShell, "-c", "exit 0"}, options);
  CHECK(result.exited);
  CHECK(result.exitCode == 0);
}

TEST_CASE("harness: death by a signal is reported") {
  const auto result = runProcess({kShell, "-c", "kill -SEGV $$"});
  REQUIRE(result.started);
  CHECK_FALSE(result.exited);
  CHECK(result.signaled);
  CHECK(result.signal == SIGSEGV);
  CHECK(result.describe().find("signal") != std::string::npos);
}

TEST_CASE("harness: a hang is killed at the timeout") {
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  const auto result = runProcess({kShell, "-c", "exec sleep 30"}, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(result.started);
  CHECK(result.timedOut);
  CHECK_FALSE(result.exited);
  CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("harness: environment changes reach the child") {
  ProcessOptions options;
  options.environment = {{"CLI_TEST_SET", "yes"}, {"HOME", std::nullopt}};
  const auto result = runProcess({kShell, "-c", "printf '%s|%s' \"$CLI_TEST_SET\" \"${HOME-unset}\""}, options);
  CHECK(result.out == "yes|unset");
}

TEST_CASE("harness: a missing program is reported, not run") {
  const auto result = runProcess({"/nonexistent/program"});
  CHECK_FALSE(result.started);
  CHECK_FALSE(result.error.empty());
}

TEST_CASE("harness: temporary directories are created and removed") {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    CHECK(std::filesystem::is_directory(kept));
    const auto file = dir.write("a.txt", std::string("x\0y", 3));
    CHECK(readFile(file) == std::string("x\0y", 3));
    TempDir other;
    CHECK(other.path() != dir.path());
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("harness: standard output can go to a file") {
  TempDir dir;
  ProcessOptions options;
  options.stdoutFile = (dir.path() / "out.txt").string();
  const auto result = runProcess({kShell, "-c", "printf hello; printf err >&2"}, options);
  CHECK(result.exitCode == 0);
  CHECK(result.out.empty());
  CHECK(result.err == "err");
  CHECK(readFile(dir.path() / "out.txt") == "hello");
}
