#include "eval/regex_cache.h"

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace approval::eval {

namespace {

struct RegexCache {
  std::shared_mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const RE2>> patterns;
};

RegexCache& cache() {
  static RegexCache instance;
  return instance;
}

}  // namespace

std::shared_ptr<const RE2> compiledRegex(const std::string& pattern) {
  RegexCache& regexes = cache();
  {
    std::shared_lock lock(regexes.mutex);
    auto found = regexes.patterns.find(pattern);
    if (found != regexes.patterns.end()) return found->second;
  }
  RE2::Options options;
  options.set_log_errors(false);
  auto compiled = std::make_shared<const RE2>(pattern, options);  // outside the lock: it can be slow
  std::unique_lock lock(regexes.mutex);
  if (regexes.patterns.size() >= kRegexCacheCapacity) regexes.patterns.clear();
  return regexes.patterns.emplace(pattern, std::move(compiled)).first->second;
}

}  // namespace approval::eval
