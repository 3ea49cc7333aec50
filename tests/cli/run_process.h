// Running a program as a child process for the end-to-end tests: argv is passed as is (no
// shell), standard input is given as a string, standard output and standard error are
// captured separately, and a process that outlives its timeout is killed and reported.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cli {

struct ProcessOptions {
  /// Written to the child's standard input, which is then closed.
  std::string stdinText;
  /// After this long the child is killed with SIGKILL and `timedOut` is set.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  /// Changes to the inherited environment: a value sets the variable, nullopt removes it.
  std::vector<std::pair<std::string, std::optional<std::string>>> environment;
  /// When set, the child's standard output goes to this file (e.g. /dev/full) instead of
  /// being captured.
  std::optional<std::string> stdoutFile;
  /// The same for standard error.
  std::optional<std::string> stderrFile;
  /// When set, the child's standard input is this path opened to read (a directory gives a
  /// standard input whose reads fail) instead of `stdinText`.
  std::optional<std::string> stdinFile;
};

struct ProcessResult {
  bool started = false;  // false: the program could not be run at all (see `error`)
  bool exited = false;   // ended normally; `exitCode` is valid
  int exitCode = -1;
  bool signaled = false;  // ended by a signal (including our own SIGKILL on timeout)
  int signal = 0;
  bool timedOut = false;
  std::string out;
  std::string err;
  std::string error;  // why the process could not be started or watched

  /// A one-line summary for test failure messages: how it ended plus the start of stderr.
  [[nodiscard]] std::string describe() const;
};

/// Runs argv[0] (a path; not searched in PATH) with the given arguments and waits for it.
[[nodiscard]] ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

/// A fresh directory under the system temporary directory, removed with its contents when
/// this object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// Writes `content` byte for byte to `name` inside the directory; returns the full path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

/// The whole content of a file, byte for byte ("" when it cannot be read).
[[nodiscard]] std::string readFile(const std::filesystem::path& path);

}  // namespace cli
