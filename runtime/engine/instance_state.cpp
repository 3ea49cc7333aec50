#include "engine/instance_state.h"

#include <algorithm>
#include <vector>

namespace approval::runtime {

namespace {

/// The names on a voter list, sorted, each once (what is not text names no voter); throws
/// std::bad_alloc.
std::vector<std::string_view> sortedNames(const ValueList& list) {
  std::vector<std::string_view> names;
  names.reserve(list.size());
  for (const Value& voter : list) {
    if (voter.is<std::string>()) names.push_back(voter.as<std::string>());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

/// The distinct names on a voter list: a name listed twice is one voter, as its votes count
/// once. Short lists are compared pairwise; longer ones sorted, or pairwise when there is no
/// memory to sort them (this must not throw).
std::int64_t distinctVoters(const ValueList& list) noexcept {
  auto pairwise = [&] {
    std::int64_t distinct = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is<std::string>()) continue;
      const bool seen = std::any_of(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(i), [&](const Value& earlier) {
        return earlier.is<std::string>() && earlier.as<std::string>() == list[i].as<std::string>();
      });
      distinct += seen ? 0 : 1;
    }
    return distinct;
  };
  constexpr std::size_t kPairwiseUpTo = 64;
  if (list.size() <= kPairwiseUpTo) return pairwise();
  try {
    return static_cast<std::int64_t>(sortedNames(list).size());
  } catch (...) {
    return pairwise();
  }
}

}  // namespace

const std::vector<std::string>* InstanceState::actorsOf(std::string_view event) const {
  for (const auto& [name, actors] : votes_) {
    if (name == event) return &actors;
  }
  return nullptr;
}

bool InstanceState::pendingAdds(std::string_view event, const std::vector<std::string>* actors) const {
  if (pendingVoter_.empty() || event != event_) return false;
  return actors == nullptr || !std::binary_search(actors->begin(), actors->end(), pendingVoter_, std::less<>());
}

std::int64_t InstanceState::votes(std::string_view event) const {
  return countVotes(votes_, event, event == event_ ? pendingVoter_ : std::string_view());
}

std::int64_t InstanceState::quorumRequired() const noexcept {
  const ir::Quorum& quorum = machine_.ir.quorum;
  if (quorum.kind == ir::QuorumKind::Count) return quorum.value;
  // Percent, All and Majority count the distinct names on the voter list (a list context field).
  std::int64_t voters = 0;
  if (quorum.field && *quorum.field < context_.size()) {
    const Value& list = context_[*quorum.field];
    if (list.is<std::shared_ptr<const ValueList>>()) voters = distinctVoters(list.list());
  }
  std::int64_t required = 1;
  switch (quorum.kind) {
    case ir::QuorumKind::Percent: required = (voters * quorum.value + 99) / 100; break;
    case ir::QuorumKind::All: required = voters; break;
    case ir::QuorumKind::Majority: required = voters / 2 + 1; break;
    case ir::QuorumKind::Count: break;
  }
  return std::max<std::int64_t>(1, required);  // a quorum is never zero votes
}

std::int64_t InstanceState::quorumVotes() const noexcept {
  const ir::Quorum& quorum = machine_.ir.quorum;
  if (quorum.kind == ir::QuorumKind::Count || !quorum.field || *quorum.field >= context_.size()) {
    return currentEventVotes();
  }
  const Value& list = context_[*quorum.field];
  if (!list.is<std::shared_ptr<const ValueList>>()) return 0;
  return countOnList(event_, list.list());
}

std::int64_t InstanceState::votesAmong(std::string_view event, const ValueList& voters) const {
  return countOnList(event, voters);
}

std::int64_t InstanceState::countOnList(std::string_view event, const ValueList& voters) const noexcept {
  const auto* actors = actorsOf(event);
  const bool pending = pendingAdds(event, actors);
  const std::size_t actorCount = actors == nullptr ? 0 : actors->size();
  // Each actor looked for on the list: no memory needed, but actors × names compares, which
  // 50,000 of each make a billion. Past a few thousand, the list's names are sorted once and
  // each is looked for among the (sorted) actors instead; without the memory for that, the
  // pairwise count still answers (this must not throw).
  auto pairwise = [&] {
    auto onList = [&](std::string_view actor) {
      return std::any_of(voters.begin(), voters.end(),
                         [&](const Value& voter) { return voter.is<std::string>() && voter.as<std::string>() == actor; });
    };
    std::int64_t counted = 0;
    if (actors != nullptr) {
      for (const auto& actor : *actors) counted += onList(actor) ? 1 : 0;
    }
    if (pending && onList(pendingVoter_)) ++counted;
    return counted;
  };
  constexpr std::size_t kPairwiseUpTo = 4096;
  if ((actorCount + 1) * voters.size() <= kPairwiseUpTo) return pairwise();
  try {
    const std::vector<std::string_view> names = sortedNames(voters);
    std::int64_t counted = 0;
    for (const std::string_view name : names) {
      if (actors != nullptr && std::binary_search(actors->begin(), actors->end(), name, std::less<>())) ++counted;
    }
    if (pending && std::binary_search(names.begin(), names.end(), pendingVoter_)) ++counted;
    return counted;
  } catch (...) {
    return pairwise();
  }
}

}  // namespace approval::runtime
