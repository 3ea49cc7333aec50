// The guard JIT: checked expressions compiled to native code with LLVM 14 ORC LLJIT. All
// expressions of one compile (all guards of a machine) go into one LLVM module, optimised
// at O2 unless told otherwise, and linked against nothing but the runtime helpers
// registered with the JIT. Results agree with the reference interpreter (evaluate.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "approval/evaluate.h"
#include "approval/guard_call.h"
#include "approval/guard_slots.h"
#include "approval/ir.h"
#include "approval/result.h"
#include "approval/value.h"

namespace approval::jit {

/// Object code of compiled modules, by key (IR content hash, CPU, optimisation level and
/// code generator version), so a machine loaded again skips LLVM's optimiser and back end.
class ObjectCache {
 public:
  virtual ~ObjectCache() = default;
  [[nodiscard]] virtual std::optional<std::string> load(std::string_view key) = 0;
  virtual void store(std::string_view key, std::string_view object) = 0;
};

/// Keeps objects in memory for the life of the process.
class MemoryObjectCache final : public ObjectCache {
 public:
  MemoryObjectCache();
  ~MemoryObjectCache() override;
  [[nodiscard]] std::optional<std::string> load(std::string_view key) override;
  void store(std::string_view key, std::string_view object) override;
  [[nodiscard]] std::size_t size() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Keeps objects as files `<key>.o` in a directory (created on first store). I/O failures
/// only make it a cache miss: the module is compiled instead.
class DirectoryObjectCache final : public ObjectCache {
 public:
  explicit DirectoryObjectCache(std::string directory);
  [[nodiscard]] std::optional<std::string> load(std::string_view key) override;
  void store(std::string_view key, std::string_view object) override;

 private:
  std::string directory_;
};

/// Guards whose macros nest deeper than this are compiled as written, without LLVM's
/// optimisations (the function is `optnone`): its loop passes take time that grows much
/// faster than the nesting (250 nested `all`s took 20 s at O2, and take under a second so).
inline constexpr std::size_t kOptimizedMacroDepth = 8;
/// Guards of more expression nodes than this are compiled as written too: LLVM's passes over
/// one long block take time that grows faster than its length (a list of 4,000 computed
/// elements took 23 s at O2). Lists and maps of literals only count as one node: they are
/// built once, when the guard is compiled.
inline constexpr std::size_t kOptimizedNodes = 1'000;
/// A guard compiled as written starts a new basic block every this many expression nodes.
/// LLVM 14's fast register allocator visits every virtual register of a block at each call
/// in it, so a guard in one block took time quadratic in its size (64,000 computed list
/// elements: 31 s to load); in short blocks it takes time linear in its size.
inline constexpr std::size_t kNodesPerBlock = 32;

struct JitOptions {
  /// LLVM's optimisation pipeline: 0 (none) to 3. O2 is the default.
  unsigned optimizationLevel = 2;
  ObjectCache* cache = nullptr;  // not owned; null: always compile
};

/// One expression to compile.
struct ExpressionEntry {
  const ir::Expr* expr = nullptr;  // must outlive the compile call only
  /// A guard returns a Verdict (a non-bool result is an error); otherwise a Value.
  bool guard = true;
  /// The payload field names of the event this expression sees, in slot order after
  /// kEventPayloadSlot. `event.x` for a name not listed is an error at run time.
  std::vector<std::string> eventPayload;
};

struct Verdict {
  using Kind = GuardStatus;
  Kind kind = Kind::False;
  std::string error;  // Error only
  [[nodiscard]] bool holds() const { return kind == Kind::True; }
};

struct CompileStatistics {
  bool fromCache = false;
  std::size_t expressions = 0;
  double milliseconds = 0;  // IR generation, optimisation, code generation and linking
  /// Every entry lies in the window near the runtime helpers where the JIT asks for its
  /// pages (docs/PERFORMANCE.md, "Where generated code lives"); false when the kernel put
  /// them elsewhere, which only costs speed.
  bool nearHelpers = false;
};

/// Native code for a set of expressions, callable from many threads at once.
class CompiledExpressions {
 public:
  ~CompiledExpressions();
  CompiledExpressions(const CompiledExpressions&) = delete;
  CompiledExpressions& operator=(const CompiledExpressions&) = delete;

  /// Compiles `entries` into one module. `contextTypes` are the context fields' types, in
  /// slot order. `moduleKey` identifies the module for the object cache (e.g. the IR content
  /// hash); empty: never cached.
  [[nodiscard]] static Result<std::unique_ptr<CompiledExpressions>> compile(std::span<const ExpressionEntry> entries,
                                                                            std::span<const Type> contextTypes,
                                                                            std::string_view moduleKey,
                                                                            const JitOptions& options = {});

  /// Runs entry `index` as a guard.
  [[nodiscard]] Verdict guard(std::size_t index, const GuardInput& input) const;
  /// The direct call of entry `index`, for running it many times (an engine's hot path);
  /// none when there is no such entry or it was compiled for its value.
  [[nodiscard]] std::optional<GuardCall> guardCall(std::size_t index) const;
  /// Runs entry `index` for its value (errors are ErrorValues).
  [[nodiscard]] Value value(std::size_t index, const GuardInput& input) const;

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] const CompileStatistics& statistics() const;

 private:
  struct Impl;
  explicit CompiledExpressions(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The LLVM IR of `entries` after the optimisation pipeline, as text.
[[nodiscard]] Result<std::string> emitLlvmIR(std::span<const ExpressionEntry> entries, std::span<const Type> contextTypes,
                                             std::string_view moduleName, unsigned optimizationLevel = 2);

/// The entries for all guards of a machine: entry i is transition i's guard (a transition
/// without a guard gets none: `guardEntry` maps transitions to entries).
struct MachineGuardEntries {
  std::vector<ExpressionEntry> entries;
  std::vector<std::optional<std::size_t>> guardEntry;  // by TransitionIndex
  std::vector<Type> contextTypes;
};
[[nodiscard]] MachineGuardEntries machineGuardEntries(const ir::Machine& machine);

/// All guards of `machine`, compiled at load into one module (keyed by its content hash).
class MachineGuards {
 public:
  [[nodiscard]] static Result<MachineGuards> compile(const ir::Machine& machine, const JitOptions& options = {});
  /// The guard of `transition`; a transition without a guard holds.
  [[nodiscard]] Verdict evaluate(ir::TransitionIndex transition, const GuardInput& input) const;
  /// The same without building a Verdict: the message goes to `*error` (when given) only
  /// on Error. What the runtime calls for every candidate transition.
  [[nodiscard]] GuardStatus test(ir::TransitionIndex transition, const GuardInput& input,
                                 std::string* error = nullptr) const {
    if (transition >= calls_.size()) [[unlikely]] return noSuchTransition(transition, error);
    const auto& call = calls_[transition];
    return call ? (*call)(input, error) : GuardStatus::True;
  }
  [[nodiscard]] const CompileStatistics& statistics() const { return code_->statistics(); }

 private:
  static GuardStatus noSuchTransition(ir::TransitionIndex transition, std::string* error);

  std::vector<std::optional<GuardCall>> calls_;  // by transition; none: unguarded
  std::shared_ptr<const CompiledExpressions> code_;
};

/// The event slot layout a transition's guard reads: its event's payload names, in order.
[[nodiscard]] std::vector<std::string> eventPayloadNames(const ir::Machine& machine, const ir::Transition& transition);

}  // namespace approval::jit
