// How an engine applies the events of one instance one at a time: instances share 1,024
// mutexes by the hash of their id. A host action runs while its instance's stripe is held,
// and may fire at, start or read other instances: when one of them hashes to the stripe this
// thread already holds, the thread goes on without locking it again (it would wait for
// itself). Firing at the very instance whose event is being applied is refused instead, and
// so is nesting deeper than kMaxNesting instances (host actions firing in a chain).
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace approval::runtime {

class InstanceStripes {
 public:
  static constexpr std::size_t kCount = 1024;
  static constexpr std::size_t kMaxNesting = 32;

  [[nodiscard]] static std::size_t indexOf(std::string_view instanceId);

  /// Holds a stripe for one instance until destroyed, unless `refusal()` says why not.
  class Hold {
   public:
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold();
    [[nodiscard]] bool held() const { return held_; }
    /// Why the stripe was not held (empty when it was).
    [[nodiscard]] std::string refusal() const;

   private:
    friend class InstanceStripes;
    Hold(InstanceStripes& stripes, std::size_t stripe, std::string_view instanceId);

    std::string_view instanceId_;
    std::mutex* locked_ = nullptr;  // null: this thread held the stripe already
    bool held_ = false;
    bool ownInstance_ = false;  // not held: this thread is applying an event to the instance
  };

  /// Waits for the stripe, unless this thread holds it already.
  [[nodiscard]] Hold hold(std::size_t stripe, std::string_view instanceId) { return Hold(*this, stripe, instanceId); }
  [[nodiscard]] Hold hold(std::string_view instanceId) { return hold(indexOf(instanceId), instanceId); }
  /// Whether this thread is applying an event to `instanceId` (of this engine) right now.
  [[nodiscard]] bool applyingHere(std::size_t stripe, std::string_view instanceId) const;
  /// What a fire at an instance this thread is applying an event to is answered.
  [[nodiscard]] static std::string applyingAlready(std::string_view instanceId);

 private:
  std::array<std::mutex, kCount> mutexes_;
};

}  // namespace approval::runtime
