// The baseline: the benchmark machines hand-written as a plain `switch` (the generated ones
// come from flow_generator.cpp through gen_switch.inc, written at build time).
#include <atomic>

#include "baselines.h"

namespace approval::bench::runtime {

namespace {
std::atomic<std::uint64_t> actionCounts[3];
}  // namespace

__attribute__((noinline)) void hostAction(int which) {
  actionCounts[which].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t hostActionCount(int which) { return actionCounts[which].load(); }

int switchSeed(SwitchInstance& m, int event) {
  switch (m.state) {
    case kDraft:
      if (event != kSubmit) return 0;
      hostAction(0);  // validatePolicy()
      m.state = kSubmitted;
      m.votes = 0;
      return 1;
    case kSubmitted:
      if (event != kAssignReviewer) return 0;
      hostAction(1);  // notifyReviewers()
      m.state = kReviewing;
      m.votes = 0;
      return 1;
    case kReviewing:
      if (event != kApprove) return 0;
      if (++m.votes < kSeedQuorum) return 2;  // hasQuorum()
      hostAction(2);  // emit("onApproved")
      m.state = kApproved;
      m.votes = 0;
      return 1;
    default:
      return 0;
  }
}

#include "gen_switch.inc"

}  // namespace approval::bench::runtime
