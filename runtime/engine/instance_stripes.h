// How an engine applies the events of one instance one at a time. Instances share 1,024
// stripes by the hash of their id. A short step (a direct transition without host actions)
// runs with its stripe locked. Work that may take long, host actions above all, runs with
// the stripe unlocked and only its instance marked busy in it, so a slow host action holds up
// its own instance and no other. A host action may fire at, start or read other instances;
// firing at the very instance whose event is being applied is refused instead (it would wait
// for itself), and so is nesting deeper than kMaxNesting instances (host actions firing in a
// chain), and so is a fire that would close a cycle of host actions each waiting for an
// instance the next one holds (X's action fires at Y while Y's fires at X): the thread
// that would close it is refused, so no cycle ever waits. That holds across engines too (A's
// action fires at B's Y while B's action fires at A's X, or any ring through several engines,
// in the same engine for some of its steps or none): who waits for what is in one graph for
// the process (HostActionWaits), which a hold consults only when it must wait while holding
// others. No user code runs while a stripe is locked.
//
// A short step may also run without its stripe (Engine's short lane): it reads the stripe's
// count of holds under the instance's store lock, and goes ahead only when there are none.
// Every hold counts itself before it reads or changes its instance in the store, so such a
// step either comes entirely before the hold's store calls or sees the count and steps back
// (it then takes a hold of its own).
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace approval::runtime {

class InstanceStripes {
  struct Stripe;

 public:
  static constexpr std::size_t kCount = 1024;
  static constexpr std::size_t kMaxNesting = 32;

  [[nodiscard]] static std::size_t indexOf(std::string_view instanceId);
  /// The stripe of the id whose instanceIdHash is `idHash`.
  [[nodiscard]] static std::size_t indexOfHash(std::size_t idHash) { return idHash % kCount; }

  /// The instance to this thread until destroyed, unless `refusal()` says why not. It starts
  /// with the stripe locked.
  class Hold {
   public:
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold();
    [[nodiscard]] bool held() const { return held_; }
    /// Why the instance was not held (empty when it was). `machine`, when given, names the
    /// instance's machine in a cycle's refusal: the cycle may pass through several engines,
    /// which have no names of their own, and one id may live in each of them.
    [[nodiscard]] std::string refusal(std::string_view machine = {}) const;
    /// Not held because waiting would close a cycle of waiting host actions.
    [[nodiscard]] bool closedCycle() const { return cycle_; }
    /// Unlocks the stripe and marks the instance busy in it instead: other instances of the
    /// stripe proceed, this one's events wait until the hold ends. Before anything that may
    /// take long or run user code.
    void releaseStripe();

   private:
    friend class InstanceStripes;
    Hold(InstanceStripes& stripes, std::size_t stripe, std::string_view instanceId);

    std::string_view instanceId_;
    Stripe* stripe_ = nullptr;
    std::condition_variable* released_ = nullptr;
    std::atomic<std::uint32_t>* holds_ = nullptr;
    bool waitedAsHolder_ = false;  // its wait is in HostActionWaits until the stripe is unlocked
    bool locked_ = false;  // the stripe's mutex is held; otherwise the instance is marked busy
    bool held_ = false;
    bool ownInstance_ = false;  // not held: this thread is applying an event to the instance
    bool cycle_ = false;        // not held: waiting would close a cycle of waiting host actions
  };

  /// Waits until no other thread holds the instance.
  [[nodiscard]] Hold hold(std::size_t stripe, std::string_view instanceId) { return Hold(*this, stripe, instanceId); }
  [[nodiscard]] Hold hold(std::string_view instanceId) { return hold(indexOf(instanceId), instanceId); }
  /// How many holds the stripe has now: what a step without a hold must find zero
  /// (DirectEvent::holds).
  [[nodiscard]] const std::atomic<std::uint32_t>& holds(std::size_t stripe) const { return holds_[stripe]; }
  /// Whether this thread holds any instance of any engine (it is running a host action):
  /// it must not wait for a sink, which may be firing at that instance.
  [[nodiscard]] static bool holdsAnyHere();
  /// Whether this thread is applying an event to `instanceId` (of this engine) right now.
  [[nodiscard]] bool applyingHere(std::size_t stripe, std::string_view instanceId) const;
  /// What a fire at an instance this thread is applying an event to is answered.
  [[nodiscard]] static std::string applyingAlready(std::string_view instanceId);

 private:
  struct BusyInstance {
    std::string_view instanceId;  // the holder's
    std::thread::id owner;        // the thread running its host actions
    bool operator==(std::string_view id) const { return instanceId == id; }
  };
  /// What a short step reads, in one cache line.
  struct alignas(64) Stripe {
    std::mutex mutex;
    std::vector<BusyInstance> busy;  // instances held with the stripe unlocked
  };

  friend class HostActionWaits;  // its walk follows waits through the owners in busy lists

  /// The thread whose hold has `instanceId` busy (running its host actions), if any. Locks
  /// the instance's stripe: the caller may hold the wait graph's mutex, never a stripe's.
  [[nodiscard]] std::optional<std::thread::id> ownerOf(std::string_view instanceId);

  std::array<Stripe, kCount> stripes_;
  std::array<std::condition_variable, kCount> released_;  // by stripe: one of its instances stopped being busy
  std::array<std::atomic<std::uint32_t>, kCount> holds_{};  // by stripe: holds taken and not ended
};

}  // namespace approval::runtime
