#include <algorithm>
#include <vector>

#include "approval/diagnostic.h"
#include "approval/utf8.h"

namespace approval {

namespace {

constexpr std::size_t kMaxSuggestionEdits = 4;

/// Code points of UTF-8 text (invalid bytes count as one code point each), so that one
/// mistyped CJK character is one edit, not three. Into `out`, reused across candidates.
void codePoints(std::string_view text, std::u32string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (i + length > text.size()) {
      out += static_cast<char32_t>(lead);
      ++i;
      continue;
    }
    out += utf8CodePoint(text, i, length);
    i += length;
  }
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), or `limit`
/// + 1 as soon as it must exceed `limit`. Only cells within `limit` of the diagonal can hold
/// a distance up to `limit`, so only those are computed: a comparison costs the name's length
/// times (2 * limit + 1), whatever the candidate's length, and stops at the first row past
/// the limit.
class BoundedDistance {
 public:
  std::size_t operator()(std::u32string_view a, std::u32string_view b, std::size_t limit) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    const std::size_t past = limit + 1;  // stands for every distance beyond the limit
    if ((n > m ? n - m : m - n) > limit) return past;
    previous2_.assign(m + 2, past);
    previous_.assign(m + 2, past);
    current_.assign(m + 2, past);
    for (std::size_t j = 0; j <= std::min(m, limit); ++j) previous_[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
      const std::size_t first = i > limit ? i - limit : 1;
      const std::size_t last = std::min(m, i + limit);
      // The cell left of the band: column 0's true value while it is within the band.
      current_[first - 1] = first == 1 ? std::min(i, past) : past;
      std::size_t minimum = current_[first - 1];
      for (std::size_t j = first; j <= last; ++j) {
        const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        std::size_t cell = std::min({previous_[j] + 1, current_[j - 1] + 1, previous_[j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cell = std::min(cell, previous2_[j - 2] + 1);
        current_[j] = std::min(cell, past);
        minimum = std::min(minimum, current_[j]);
      }
      if (last + 1 <= m) current_[last + 1] = past;  // the next row reads it as the cell above
      // Every later cell comes from this row, or by a transposition from the row before it
      // plus one, which is at least this row's minimum (a cell is at most the one above it
      // plus one): once this row is past the limit, so is the distance.
      if (minimum > limit) return past;
      previous2_.swap(previous_);
      previous_.swap(current_);
    }
    return previous_[m];
  }

 private:
  std::vector<std::size_t> previous2_, previous_, current_;
};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}
}  // namespace

std::optional<std::string> closestMatch(std::string_view name, std::span<const std::string> candidates) {
  // An empty name is not a typo of anything, and an empty candidate (itself an error, E0213)
  // is no correction.
  if (name.empty()) return std::nullopt;
  for (const auto& candidate : candidates) {
    if (equalIgnoringCase(name, candidate)) return candidate;
  }
  std::u32string wanted;
  codePoints(name, wanted);
  // A third of the name, and never more than kMaxSuggestionEdits: a name that needs more
  // edits than that was not mistyped from the candidate.
  const std::size_t allowed = std::clamp<std::size_t>(wanted.size() / 3, 1, kMaxSuggestionEdits);
  std::optional<std::string> best;
  std::size_t bestDistance = allowed + 1;
  std::u32string other;
  BoundedDistance distanceWithin;
  for (const auto& candidate : candidates) {
    if (candidate.empty()) continue;
    // At most four bytes a code point: one this long is too long to be close, unread.
    if (candidate.size() > 4 * (wanted.size() + bestDistance - 1)) continue;
    codePoints(candidate, other);
    // Length difference is a lower bound of the distance: skip hopeless candidates cheaply.
    const std::size_t lengthGap = other.size() > wanted.size() ? other.size() - wanted.size()
                                                               : wanted.size() - other.size();
    if (lengthGap >= bestDistance) continue;
    const std::size_t distance = distanceWithin(wanted, other, bestDistance - 1);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace approval
