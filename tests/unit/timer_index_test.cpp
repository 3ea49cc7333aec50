// The memory store's pending timers (runtime/store/timer_index.h): ordered by due time
// across instances, then by the order they were armed; replaced, removed and listed per
// instance.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/timer_index.h"

using namespace approval;
using namespace approval::runtime;

namespace {

TimerRecord timer(std::string instance, std::uint32_t transition, std::uint64_t visit, std::int64_t due) {
  return {std::move(instance), transition, visit, TimestampValue{due}};
}

/// "instance/transition/visit@due" for each timer, in order.
std::vector<std::string> describe(const std::vector<TimerRecord>& timers) {
  std::vector<std::string> texts;
  for (const auto& t : timers) {
    texts.push_back(t.instanceId + "/" + std::to_string(t.transition) + "/" + std::to_string(t.visit) + "@" +
                    std::to_string(t.due.nanoseconds));
  }
  return texts;
}

}  // namespace

TEST_CASE("timers come due in due order across instances, and in arming order at the same time") {
  TimerIndex index;
  index.add(timer("b", 1, 1, 30));
  index.add(timer("a", 2, 1, 10));
  index.add(timer("c", 3, 1, 30));
  index.add(timer("a", 4, 1, 20));
  CHECK(index.next()->nanoseconds == 10);
  CHECK(describe(index.due(TimestampValue{30}, 100)) ==
        std::vector<std::string>{"a/2/1@10", "a/4/1@20", "b/1/1@30", "c/3/1@30"});
  CHECK(describe(index.due(TimestampValue{20}, 100)) == std::vector<std::string>{"a/2/1@10", "a/4/1@20"});
  CHECK(describe(index.due(TimestampValue{30}, 3)).size() == 3);
  CHECK(index.due(TimestampValue{9}, 100).empty());
  CHECK(describe(index.due("a", TimestampValue{100})) == std::vector<std::string>{"a/2/1@10", "a/4/1@20"});
  CHECK(index.earliest("b") == 30);
  CHECK(index.earliest("nobody") == TimerIndex::kNone);
}

TEST_CASE("replace gives an instance's timers the armed ones, due from the entry time, and returns the earliest") {
  TimerIndex index;
  index.add(timer("a", 1, 1, 10));
  index.add(timer("b", 1, 1, 15));
  const std::vector<DirectTimer> armed{{7, 500}, {8, 200}};
  CHECK(index.replace("a", 2, TimestampValue{1000}, &armed) == 1200);
  CHECK(describe(index.due("a", TimestampValue{5000})) == std::vector<std::string>{"a/8/2@1200", "a/7/2@1500"});
  CHECK(index.next()->nanoseconds == 15);  // b's is untouched
  // Again (the instance's list is reused), then with nothing armed: none left.
  const std::vector<DirectTimer> one{{9, 1}};
  CHECK(index.replace("a", 3, TimestampValue{2000}, &one) == 2001);
  CHECK(describe(index.due("a", TimestampValue{5000})) == std::vector<std::string>{"a/9/3@2001"});
  CHECK(index.replace("a", 4, TimestampValue{3000}, nullptr) == TimerIndex::kNone);
  CHECK(index.due("a", TimestampValue{5000}).empty());
  CHECK(describe(index.due(TimestampValue{5000}, 100)) == std::vector<std::string>{"b/1/1@15"});
  // An instance without timers gets its first ones.
  CHECK(index.replace("c", 1, TimestampValue{0}, &one) == 1);
  CHECK(index.next()->nanoseconds == 1);
}

TEST_CASE("remove takes out exactly the timer named (transition, visit and due time), removeAll every one") {
  TimerIndex index;
  index.add(timer("a", 1, 1, 10));
  index.add(timer("a", 1, 2, 10));
  index.add(timer("a", 2, 2, 20));
  CHECK_FALSE(index.remove(timer("a", 1, 2, 11)));
  CHECK_FALSE(index.remove(timer("a", 3, 2, 10)));
  CHECK_FALSE(index.remove(timer("z", 1, 2, 10)));
  CHECK(index.remove(timer("a", 1, 2, 10)));
  CHECK(describe(index.due("a", TimestampValue{100})) == std::vector<std::string>{"a/1/1@10", "a/2/2@20"});
  CHECK(index.remove(timer("a", 1, 1, 10)));
  CHECK(index.remove(timer("a", 2, 2, 20)));
  CHECK(index.earliest("a") == TimerIndex::kNone);
  CHECK_FALSE(index.next());
  index.add(timer("a", 1, 3, 40));
  index.add(timer("b", 1, 3, 50));
  index.removeAll("a");
  CHECK(describe(index.due(TimestampValue{100}, 100)) == std::vector<std::string>{"b/1/3@50"});
}
