// Hash maps keyed by std::string that are searched with a std::string_view (no std::string is
// built per lookup).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "approval/store.h"

namespace approval::runtime {

/// instanceIdHash: the memory store finds a slot by the hash the engine has already taken.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return instanceIdHash(text); }
};

/// Node-based: a key's address stays the same while its entry lives.
template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

}  // namespace approval::runtime
