// `-o FILE` never loses data: an output that is one of the inputs is refused before anything
// is written, and a write that fails leaves the file that was there whole (docs/CLI.md).
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.h"

using namespace cli;
namespace fs = std::filesystem;

namespace {

/// What is in `dir` besides `keep`: a temporary file left behind would show here.
std::vector<std::string> othersIn(const fs::path& dir, const std::vector<std::string>& keep) {
  std::vector<std::string> others;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (std::find(keep.begin(), keep.end(), name) == keep.end()) others.push_back(name);
  }
  return others;
}

}  // namespace

TEST_CASE("output: -o naming an input, through any path or link, is refused and the input kept") {
  TempDir dir;
  const std::string seed = readFile(sharedSeedPath());
  REQUIRE_FALSE(seed.empty());
  const fs::path input = dir.write("flow.dsl", seed);
  fs::create_symlink("flow.dsl", dir.path() / "link.dsl");
  fs::create_directory(dir.path() / "sub");
  const fs::path other = dir.write("other.dsl", seed);  // a second input, compiled alongside
  for (const std::string& output : {input.string(), (dir.path() / "sub" / ".." / "flow.dsl").string(),
                                    (dir.path() / "link.dsl").string()}) {
    CAPTURE(output);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{input.string(), "-o", output},
          std::vector<std::string>{other.string(), input.string(), "-o", output},
          std::vector<std::string>{"--emit", "tokens", input.string(), "-o", output},
          std::vector<std::string>{"graph", input.string(), "-o", output}}) {
      CAPTURE(args.front());
      const auto result = approvalc(args);
      CHECK_EXIT(result, kExitUsage);
      CHECK(contains(result.err, "is also an input file"));
      CHECK(contains(result.err, "give -o another file"));
      CHECK(readFile(input) == seed);
    }
  }
  CHECK(othersIn(dir.path(), {"flow.dsl", "link.dsl", "sub", "other.dsl"}).empty());
}

TEST_CASE("output: a file replaced by -o keeps its permissions, a link is written through, a device in place") {
  TempDir dir;
  const fs::path output = dir.write("out.json", "previous\n");
  REQUIRE(::chmod(output.c_str(), 0640) == 0);
  const auto compiled = approvalc({sharedSeedPath().string(), "-o", output.string()});
  CHECK_EXIT(compiled, kExitSuccess);
  CHECK(readFile(output).starts_with("{\n  \"format\": \"approval-ir\""));
  CHECK((fs::status(output).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));

  // A link, even one whose file does not exist yet, is written through and stays a link.
  fs::create_symlink("target.json", dir.path() / "dangling.json");
  const auto throughLink = approvalc({"graph", sharedSeedPath().string(), "-o", (dir.path() / "dangling.json").string()});
  CHECK_EXIT(throughLink, kExitSuccess);
  CHECK(fs::is_symlink(dir.path() / "dangling.json"));
  CHECK(readFile(dir.path() / "target.json").starts_with("digraph"));

  // A link that names itself in a loop is an error, not a hang.
  fs::create_symlink("loop-b", dir.path() / "loop-a");
  fs::create_symlink("loop-a", dir.path() / "loop-b");
  const auto loop = approvalc({sharedSeedPath().string(), "-o", (dir.path() / "loop-a").string()});
  CHECK_EXIT(loop, kExitUsage);
  CHECK(contains(loop.err, "cannot write"));

  // /dev/null is written, not replaced; /dev/stdout is standard output, here a pipe.
  const auto toDevice = approvalc({sharedSeedPath().string(), "-o", "/dev/null"});
  CHECK_EXIT(toDevice, kExitSuccess);
  CHECK(fs::is_character_file("/dev/null"));
  const auto toStdout = approvalc({sharedSeedPath().string(), "-o", "/dev/stdout"});
  CHECK_EXIT(toStdout, kExitSuccess);
  CHECK(toStdout.out.starts_with("{\n  \"format\": \"approval-ir\""));
  const auto toOpenFile = approvalc({"graph", sharedSeedPath().string(), "-o", "/proc/self/fd/1"});
  CHECK_EXIT(toOpenFile, kExitSuccess);
  CHECK(toOpenFile.out.starts_with("digraph"));
  CHECK(othersIn(dir.path(), {"out.json", "dangling.json", "target.json", "loop-a", "loop-b"}).empty());
}

TEST_CASE("output: a write that fails halfway leaves the old file whole and no temporary behind") {
  // A file size limit of 1 KiB: the seed's IR is larger, so writing it fails after the first
  // kilobyte. approvalc ignores SIGXFSZ itself, so the write fails with EFBIG instead of the
  // signal ending the process (which left the temporary behind).
  TempDir dir;
  const fs::path output = dir.write("out.json", "previous\n");
  const std::string script = "ulimit -f 2; exec \"$0\" \"$@\"";
  const auto result =
      runProcess({"/bin/sh", "-c", script, approvalcPath(), sharedSeedPath().string(), "-o", output.string()});
  CHECK_EXIT(result, kExitUsage);
  CHECK(contains(result.err, "cannot write `" + output.string() + "`"));
  CHECK(readFile(output) == "previous\n");
  CHECK(othersIn(dir.path(), {"out.json"}).empty());
}

TEST_CASE("output: -o may not be the file standard input reads, nor empty") {
  TempDir dir;
  const fs::path source = dir.write("victim.dsl", simpleMachine());
  for (const char* output : {"/dev/stdin", "/proc/self/fd/0"}) {
    INFO(output);
    const auto result = runProcess({"/bin/sh", "-c", "exec \"$0\" - -o \"$1\" < \"$2\"", approvalcPath(), output,
                                    source.string()});
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, std::string("`") + output + "` is the file standard input reads"));
    CHECK(readFile(source) == simpleMachine());
  }
  // From a pipe, standard input is no file to overwrite: -o /dev/stdout still works.
  CHECK_EXIT(approvalc({"-", "-o", "/dev/stdout"}, withStdin(simpleMachine())), kExitSuccess);
  const auto empty = approvalc({source.string(), "-o", ""});
  CHECK_EXIT(empty, kExitUsage);
  CHECK(contains(empty.err, "--output: must not be empty"));
  CHECK_EXIT(approvalc({"graph", source.string(), "-o", ""}), kExitUsage);
}
