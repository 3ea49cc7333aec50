#include <algorithm>
#include <vector>

#include "approval/diagnostic.h"

namespace approval {

namespace {
/// Code points of UTF-8 text (invalid bytes count as one code point each), so that one
/// mistyped CJK character is one edit, not three.
std::u32string codePoints(std::string_view text) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (i + length > text.size()) {
      out += static_cast<char32_t>(lead);
      ++i;
      continue;
    }
    char32_t value = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) value = (value << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    out += value;
    i += length;
  }
  return out;
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
std::size_t editDistance(std::u32string_view a, std::u32string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::size_t> previous2(m + 1), previous(m + 1), current(m + 1);
  for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], previous2[j - 2] + 1);
      }
    }
    previous2.swap(previous);
    previous.swap(current);
  }
  return previous[m];
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}
}  // namespace

std::optional<std::string> closestMatch(std::string_view name, std::span<const std::string> candidates) {
  for (const auto& candidate : candidates) {
    if (equalIgnoringCase(name, candidate)) return candidate;
  }
  const std::u32string wanted = codePoints(name);
  const std::size_t allowed = std::max<std::size_t>(1, wanted.size() / 3);
  std::optional<std::string> best;
  std::size_t bestDistance = allowed + 1;
  for (const auto& candidate : candidates) {
    const std::u32string other = codePoints(candidate);
    // Length difference is a lower bound of the distance: skip hopeless candidates cheaply.
    const std::size_t lengthGap = other.size() > wanted.size() ? other.size() - wanted.size()
                                                               : wanted.size() - other.size();
    if (lengthGap >= bestDistance) continue;
    const std::size_t distance = editDistance(wanted, other);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace approval
