// FNV-1a (64-bit): cache keys and the object cache's integrity check (not security: the
// cache directory is trusted).
#pragma once

#include <cstdint>
#include <string_view>

namespace approval::jit {

[[nodiscard]] inline std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace approval::jit
