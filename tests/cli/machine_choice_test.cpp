// `graph` and `run`, the subcommands that take --machine, word a failed choice the same way:
// the file, what is wrong, a did-you-mean for a close name, and the machines to choose from.
#include <doctest/doctest.h>

#include <functional>

#include "cli_support.h"

using namespace cli;

namespace {

const std::string kTwoMachines =
    "state machine \"alpha\" { initial: A1 states: [A1, A2] transitions { A1 -> A2 on \"go\" } }\n"
    "state machine \"beta\" { initial: B1 states: [B1, B2] transitions { B1 -> B2 on \"go\" } }\n";

/// Runs a subcommand on `file` with `extra` arguments (e.g. --machine NAME).
using Subcommand = std::function<ProcessResult(const std::string& file, const std::vector<std::string>& extra)>;

void checkMachineChoiceErrors(const Subcommand& run, const TempDir& dir) {
  const auto file = (dir.path() / "two.dsl").string();
  const std::string choose = "choose one with --machine NAME: \"alpha\", \"beta\"\n";

  const auto none = run(file, {});
  CHECK_EXIT(none, kExitUsage);
  CHECK(none.err == "approvalc: error: `" + file + "` has 2 machines; " + choose);
  CHECK(none.out.empty());

  const auto misspelt = run(file, {"--machine", "alpah"});
  CHECK_EXIT(misspelt, kExitUsage);
  CHECK(misspelt.err == "approvalc: error: `" + file + "` has no machine named \"alpah\"; did you mean \"alpha\"? " +
                            choose);

  const auto unknown = run(file, {"--machine", "zzz"});
  CHECK_EXIT(unknown, kExitUsage);
  CHECK(unknown.err == "approvalc: error: `" + file + "` has no machine named \"zzz\"; " + choose);
}

}  // namespace

TEST_CASE("graph: no --machine or an unknown one names the machines in the wording run uses") {
  TempDir dir;
  dir.write("two.dsl", kTwoMachines);
  checkMachineChoiceErrors(
      [](const std::string& file, const std::vector<std::string>& extra) {
        std::vector<std::string> args{"graph", file};
        args.insert(args.end(), extra.begin(), extra.end());
        return approvalc(args);
      },
      dir);
}

TEST_CASE("run: no --machine or an unknown one names the machines in the wording graph uses") {
  TempDir dir;
  dir.write("two.dsl", kTwoMachines);
  const auto events = dir.write("events.jsonl", "").string();
  checkMachineChoiceErrors(
      [&](const std::string& file, const std::vector<std::string>& extra) {
        std::vector<std::string> args{"run", file, "--events", events};
        args.insert(args.end(), extra.begin(), extra.end());
        return approvalc(args);
      },
      dir);
}
