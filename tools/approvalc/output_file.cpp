#include "output_file.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace approval::driver {

namespace fs = std::filesystem;

namespace {

Error cannotWrite(const std::string& path, int error) {
  return Error{fmt::format("cannot write `{}`: {}", path, std::strerror(error))};
}

/// Writes all of `text` to `fd`, retrying short writes.
bool writeAll(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t written = ::write(fd, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    done += static_cast<std::size_t>(written);
  }
  return true;
}

/// The permissions a new file gets from this process's umask.
mode_t newFileMode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

/// A device, pipe or socket is written where it is: renaming over /dev/null would replace it.
Result<bool> writeInPlace(const std::string& path, const std::string& text) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  if (!stream) return cannotWrite(path, errno);
  stream << text;
  stream.close();
  if (!stream) return cannotWrite(path, errno);
  return true;
}

/// `text` into a new file in `target`'s directory, flushed to disk, then renamed over it.
Result<bool> replaceAtomically(const std::string& shownPath, const fs::path& target, mode_t mode,
                               const std::string& text) {
  std::string temporary = (target.parent_path() / ("." + target.filename().string() + ".approvalc-XXXXXX")).string();
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return cannotWrite(shownPath, errno);
  const bool written = writeAll(fd, text) && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  const int writeError = errno;
  if (::close(fd) != 0 || !written) {
    const int error = written ? errno : writeError;
    ::unlink(temporary.c_str());
    return cannotWrite(shownPath, error);
  }
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return cannotWrite(shownPath, error);
  }
  return true;
}

/// Where `path` leads through its symbolic links, even to a file that does not exist yet (a
/// dangling link is written through, as a shell's `>` does).
struct Followed {
  fs::path target;
  /// A hop went through /dev or /proc: /dev/stdout, /proc/self/fd/N name open files (maybe
  /// opened to append), which must be written where they are, not replaced.
  bool throughOpenFiles = false;
};

bool namesOpenFiles(const fs::path& path) {
  const std::string text = path.string();
  return text.starts_with("/dev/") || text.starts_with("/proc/");
}

Result<Followed> followLinks(const std::string& path) {
  std::error_code error;
  Followed followed{fs::absolute(path, error)};
  followed.throughOpenFiles = namesOpenFiles(followed.target);
  for (int hops = 0; !error; ++hops) {
    struct stat link {};
    if (::lstat(followed.target.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) break;  // a file, or none yet
    if (hops == 40) return cannotWrite(path, ELOOP);
    const fs::path next = fs::read_symlink(followed.target, error);
    followed.target = next.is_absolute() ? next : followed.target.parent_path() / next;
    followed.throughOpenFiles = followed.throughOpenFiles || namesOpenFiles(followed.target);
  }
  if (!error) followed.target = fs::weakly_canonical(followed.target, error);
  if (error) return cannotWrite(path, error.value());
  return followed;
}

}  // namespace

Result<bool> checkOutputIsNotInput(const std::string& output, const std::vector<std::string>& inputs) {
  if (output.empty() || output == "-" || output == "/dev/stdout") return true;
  for (const auto& input : inputs) {
    std::error_code error;
    if (input == "-") {
      // Standard input redirected from a file (`approvalc - -o /dev/stdin < a.dsl`): the
      // output must not be that file either.
      struct stat in {};
      struct stat out {};
      if (::fstat(STDIN_FILENO, &in) == 0 && S_ISREG(in.st_mode) && ::stat(output.c_str(), &out) == 0 &&
          in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
        return Error{fmt::format("`{}` is the file standard input reads: writing the output there would overwrite "
                                 "it; give -o another file",
                                 output)};
      }
      continue;
    }
    if (fs::equivalent(output, input, error)) {
      return Error{fmt::format("`{}` is also an input file: writing the output there would overwrite it; "
                               "give -o another file",
                               output)};
    }
  }
  return true;
}

Result<bool> writeOutput(const std::string& path, const std::string& text) {
  // Standard output by name writes to the open stream, as a shell does: reopening it would
  // truncate a file it appends to.
  if (path.empty() || path == "-" || path == "/dev/stdout") {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) return Error{"cannot write to standard output"};
    return true;
  }
  auto followed = followLinks(path);
  if (!followed) return followed.error();
  const fs::path& target = followed.value().target;
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) {  // what the kernel opens for this name
    if (S_ISDIR(existing.st_mode)) return cannotWrite(path, EISDIR);
    if (!S_ISREG(existing.st_mode) || followed.value().throughOpenFiles) return writeInPlace(path, text);
    return replaceAtomically(path, target, existing.st_mode & 07777, text);
  }
  if (errno != ENOENT) return cannotWrite(path, errno);
  return replaceAtomically(path, target, newFileMode(), text);  // a new file, or one a dangling link names
}

}  // namespace approval::driver
