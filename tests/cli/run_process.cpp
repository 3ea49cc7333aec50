#include "run_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace cli {

namespace {

// Each stream keeps at most this much; a runaway child cannot exhaust the test's memory.
constexpr std::size_t kMaxCapture = 64u * 1024u * 1024u;

/// Both ends of a pipe, closed on destruction.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    closeEnd(0);
    closeEnd(1);
  }
  bool open() { return ::pipe2(fds, O_CLOEXEC) == 0; }
  void closeEnd(int end) {
    if (fds[end] >= 0) ::close(fds[end]);
    fds[end] = -1;
  }
};

std::string systemError(const char* what, int error) { return std::string(what) + ": " + std::strerror(error); }

void setNonBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/// The parent writes the child's stdin through a pipe; a child that exits early must give
/// us EPIPE, not kill the test program.
void ignoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

std::vector<std::string> buildEnvironment(const ProcessOptions& options) {
  std::vector<std::string> result;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const auto equals = text.find('=');
    const std::string name = text.substr(0, equals);
    bool overridden = false;
    for (const auto& change : options.environment) overridden = overridden || change.first == name;
    if (!overridden) result.push_back(text);
  }
  for (const auto& [name, value] : options.environment) {
    if (value) result.push_back(name + "=" + *value);
  }
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

/// Reads what is available on `fd` into `sink`; returns false at end of file or error.
bool drain(int fd, std::string& sink) {
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      const auto room = kMaxCapture - std::min(kMaxCapture, sink.size());
      sink.append(buffer, std::min(static_cast<std::size_t>(n), room));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

}  // namespace

std::string ProcessResult::describe() const {
  std::ostringstream text;
  if (!started) {
    text << "not started: " << error;
  } else if (timedOut) {
    text << "TIMED OUT (killed)";
  } else if (signaled) {
    text << "killed by signal " << signal << " (" << strsignal(signal) << ")";
  } else {
    text << "exit " << exitCode;
  }
  constexpr std::size_t kShown = 1500;
  text << "; stdout " << out.size()
       << " bytes; stderr: " << (err.size() > kShown ? err.substr(0, kShown) + "...[truncated]" : err);
  return text.str();
}

ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result;
  if (argv.empty()) {
    result.error = "empty command line";
    return result;
  }
  ignoreSigpipeOnce();

  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open()) {
    result.error = systemError("pipe2", errno);
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdinFile) {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, options.stdinFile->c_str(), O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, in.fds[0], STDIN_FILENO);
  }
  if (options.stdoutFile) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, options.stdoutFile->c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  } else {
    posix_spawn_file_actions_adddup2(&actions, out.fds[1], STDOUT_FILENO);
  }
  if (options.stderrFile) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, options.stderrFile->c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  } else {
    posix_spawn_file_actions_adddup2(&actions, err.fds[1], STDERR_FILENO);
  }

  // The child starts with default signal handling and nothing blocked, whatever the test
  // program did (it ignores SIGPIPE).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigset_t noneBlocked;
  sigemptyset(&noneBlocked);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &noneBlocked);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> args = argv;
  std::vector<std::string> environment = buildEnvironment(options);
  auto argPointers = pointers(args);
  auto envPointers = pointers(environment);

  pid_t pid = -1;
  const int spawnError =
      ::posix_spawn(&pid, args[0].c_str(), &actions, &attributes, argPointers.data(), envPointers.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawnError != 0) {
    result.error = systemError(("posix_spawn " + args[0]).c_str(), spawnError);
    return result;
  }
  result.started = true;

  // The child's ends belong to the child now.
  in.closeEnd(0);
  out.closeEnd(1);
  err.closeEnd(1);
  setNonBlocking(in.fds[1]);
  setNonBlocking(out.fds[0]);
  setNonBlocking(err.fds[0]);

  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  const auto remainingMs = [&] {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, left.count()));
  };

  std::size_t written = 0;
  if (options.stdinText.empty()) in.closeEnd(1);
  bool outOpen = true;
  bool errOpen = true;
  while (outOpen || errOpen) {
    pollfd fds[3];
    nfds_t count = 0;
    int outIndex = -1, errIndex = -1, inIndex = -1;
    if (outOpen) {
      outIndex = static_cast<int>(count);
      fds[count++] = pollfd{out.fds[0], POLLIN, 0};
    }
    if (errOpen) {
      errIndex = static_cast<int>(count);
      fds[count++] = pollfd{err.fds[0], POLLIN, 0};
    }
    if (in.fds[1] >= 0) {
      inIndex = static_cast<int>(count);
      fds[count++] = pollfd{in.fds[1], POLLOUT, 0};
    }
    const int timeLeft = remainingMs();
    if (timeLeft == 0) {
      result.timedOut = true;
      break;
    }
    const int ready = ::poll(fds, count, timeLeft);
    if (ready < 0) {
      if (errno == EINTR) continue;
      result.error = systemError("poll", errno);
      break;
    }
    if (ready == 0) continue;  // the deadline check above ends the loop
    if (outIndex >= 0 && fds[outIndex].revents != 0) outOpen = drain(out.fds[0], result.out);
    if (errIndex >= 0 && fds[errIndex].revents != 0) errOpen = drain(err.fds[0], result.err);
    if (inIndex >= 0 && fds[inIndex].revents != 0) {
      if ((fds[inIndex].revents & (POLLERR | POLLHUP)) != 0) {
        in.closeEnd(1);  // the child closed its stdin: the rest is not wanted
      } else {
        const ssize_t n = ::write(in.fds[1], options.stdinText.data() + written, options.stdinText.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == options.stdinText.size()) in.closeEnd(1);
      }
    }
  }
  in.closeEnd(1);

  // Both output streams are closed (or the deadline passed): wait for the exit status, still
  // within the deadline.
  int status = 0;
  bool killed = false;
  if (result.timedOut) {
    ::kill(pid, SIGKILL);
    killed = true;
  }
  for (;;) {
    const pid_t waited = ::waitpid(pid, &status, WNOHANG);
    if (waited == pid) break;
    if (waited < 0 && errno != EINTR) {
      result.error = systemError("waitpid", errno);
      return result;
    }
    if (waited == 0 && !killed && remainingMs() == 0) {
      result.timedOut = true;
      ::kill(pid, SIGKILL);
      killed = true;
    }
    if (waited == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFEXITED(status)) {
    result.exited = true;
    result.exitCode = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signaled = true;
    result.signal = WTERMSIG(status);
  }
  return result;
}

TempDir::TempDir() {
  static std::atomic<unsigned> counter{0};
  std::random_device entropy;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0;; ++attempt) {
    std::ostringstream name;
    name << "approvalc-cli-" << ::getpid() << '-' << counter++ << '-' << std::hex << entropy();
    path_ = base / name.str();
    std::error_code error;
    if (std::filesystem::create_directory(path_, error)) return;
    if (attempt > 100) throw std::filesystem::filesystem_error("cannot create a temporary directory", path_, error);
  }
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  const auto file = path_ / name;
  std::ofstream stream(file, std::ios::binary | std::ios::trunc);
  stream.write(content.data(), static_cast<std::streamsize>(content.size()));
  stream.close();
  if (!stream) throw std::filesystem::filesystem_error("cannot write a test input", file, std::error_code{});
  return file;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return {};
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

}  // namespace cli
