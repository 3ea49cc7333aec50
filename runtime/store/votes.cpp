#include "store/votes.h"

#include <algorithm>

namespace approval::runtime {

void addVote(Votes& votes, std::string_view event, std::string_view actor) {
  auto found = std::find_if(votes.begin(), votes.end(), [&](const auto& v) { return v.first == event; });
  if (found == votes.end()) found = votes.insert(votes.end(), {std::string(event), {}});
  auto& actors = found->second;
  auto position = std::lower_bound(actors.begin(), actors.end(), actor, std::less<>());
  if (position == actors.end() || *position != actor) actors.insert(position, std::string(actor));
}

std::int64_t countVotes(const Votes& votes, std::string_view event, std::string_view pendingActor) {
  for (const auto& [name, actors] : votes) {
    if (name != event) continue;
    const bool pending =
        !pendingActor.empty() && !std::binary_search(actors.begin(), actors.end(), pendingActor, std::less<>());
    return static_cast<std::int64_t>(actors.size()) + (pending ? 1 : 0);
  }
  return pendingActor.empty() ? 0 : 1;
}

}  // namespace approval::runtime
