// CompiledExpressions: builds the module, compiles it with an LLJIT of its own (linked only
// against the runtime helpers), and calls the entries with a JitFrame.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/MC/SubtargetFeature.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/raw_ostream.h>

#include "approval/jit.h"
#include "codegen/module_builder.h"
#include "engine/caching_compiler.h"
#include "engine/fnv1a.h"
#include "engine/near_code_memory.h"
#include "engine/optimize.h"
#include "runtime/frame.h"
#include "runtime/helpers.h"
#include "runtime/state_methods.h"

namespace approval::jit {

namespace {

/// Bumped whenever generated code changes for the same IR, so cached objects of an older
/// code generator are never used.
constexpr int kCodegenVersion = 13;  // 13: element arrays past 32 KB of stack come from the scratch

std::string errorText(llvm::Error error) { return llvm::toString(std::move(error)); }

/// The object cache key: what the code was generated from, and for which CPU and level.
std::string cacheKey(std::string_view moduleKey, const llvm::orc::JITTargetMachineBuilder& machine, unsigned level) {
  std::string key(moduleKey);
  if (key.starts_with("sha256:")) key = key.substr(7);
  for (char& c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  // Generated code holds ApprovalState's vtable offsets, which come from this build.
  const auto& methods = stateMethodOffsets();
  std::string vtable;
  for (const auto& offset : {methods.currentEventVotes, methods.quorumVotes, methods.quorumRequired}) {
    vtable += "|" + (offset ? std::to_string(*offset) : std::string("helper"));
  }
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, "-%016llx-O%u-v%d",
                static_cast<unsigned long long>(fnv1a(machine.getCPU() + "|" + machine.getFeatures().getString() + "|" +
                                                      machine.getTargetTriple().str() + vtable)),
                level, kCodegenVersion);
  return key + "-" + machine.getCPU() + suffix;
}

llvm::CodeGenOpt::Level codegenLevel(unsigned level) {
  switch (level) {
    case 0: return llvm::CodeGenOpt::None;
    case 1: return llvm::CodeGenOpt::Less;
    case 2: return llvm::CodeGenOpt::Default;
    default: return llvm::CodeGenOpt::Aggressive;
  }
}

std::string shapeMismatch(const GuardInput& input, std::size_t contextSlots, std::size_t eventSlots) {
  if (input.context.size() < contextSlots) {
    return "context has " + std::to_string(input.context.size()) + " slots, the guard reads " +
           std::to_string(contextSlots);
  }
  if (!input.event.empty() && input.event.size() < eventSlots) {
    return "event has " + std::to_string(input.event.size()) + " slots, the guard reads " +
           std::to_string(eventSlots);
  }
  return {};
}

/// Frees a call's scratch when the call that made it returns.
class ScratchOwner {
 public:
  explicit ScratchOwner(JitOutcome& outcome) : outcome_(outcome) {}
  ~ScratchOwner() { delete outcome_.scratch; }
  ScratchOwner(const ScratchOwner&) = delete;
  ScratchOwner& operator=(const ScratchOwner&) = delete;

 private:
  JitOutcome& outcome_;
};

std::string errorMessage(const JitOutcome& outcome) {
  return outcome.error != nullptr && outcome.error->isError() ? outcome.error->as<ErrorValue>().message
                                                              : "evaluation failed: out of memory";
}

/// Entries compiled for their value return it (null on error, in the outcome).
using ValueEntry = const Value* (*)(const Slot*, const Slot*, const ApprovalState*, const Value* const*, JitOutcome*);

}  // namespace

struct CompiledExpressions::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::deque<Value> constants;
  std::vector<const Value*> constantPointers;
  std::vector<char> guards;  // per entry: compiled as a guard (not vector<bool>: one load per call)
  const void* const* entries = nullptr;
  std::size_t contextSize = 0;
  std::vector<std::size_t> eventSlots;  // slots each entry's event must have
  CompileStatistics statistics;
  bool fromCache = false;

  [[nodiscard]] bool fits(std::size_t index, const GuardInput& input) const noexcept {
    return index < guards.size() && input.context.size() >= contextSize &&
           (input.event.empty() || input.event.size() >= eventSlots[index]);
  }

  /// Why `input` does not fit entry `index`; empty when it does.
  std::string mismatch(std::size_t index, const GuardInput& input) const {
    if (index >= guards.size()) return "no compiled expression #" + std::to_string(index);
    return shapeMismatch(input, contextSize, eventSlots[index]);
  }

  /// The direct call of entry `index`, an existing guard entry.
  GuardCall guardCallAt(std::size_t index) const {
    return GuardCall(reinterpret_cast<GuardCall::Entry>(const_cast<void*>(entries[index])), constantPointers.data(),
                     contextSize, eventSlots[index]);
  }

  /// Calls entry `index` (which fits `input`) as a function of type `Entry`.
  template <typename Entry>
  auto call(std::size_t index, const GuardInput& input, JitOutcome& outcome) const {
    return reinterpret_cast<Entry>(const_cast<void*>(entries[index]))(
        input.context.data(), input.event.empty() ? nullptr : input.event.data(), input.state,
        constantPointers.data(), &outcome);
  }
};

CompiledExpressions::CompiledExpressions(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledExpressions::~CompiledExpressions() = default;

Result<std::unique_ptr<CompiledExpressions>> CompiledExpressions::compile(std::span<const ExpressionEntry> entries,
                                                                          std::span<const Type> contextTypes,
                                                                          std::string_view moduleKey,
                                                                          const JitOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  initializeNativeTarget();
  auto impl = std::make_unique<Impl>();
  const unsigned level = options.optimizationLevel > 3 ? 3 : options.optimizationLevel;

  auto machine = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machine) return Error{"cannot target this CPU: " + errorText(machine.takeError())};

  const bool cacheable = options.cache != nullptr && !moduleKey.empty();
  const std::string name = cacheable ? cacheKey(moduleKey, *machine, level) : "approval_expressions";
  auto context = std::make_unique<llvm::LLVMContext>();
  BuiltModule built;
  try {
    built = buildModule(*context, entries, contextTypes, name);
  } catch (const std::exception& error) {
    return Error{std::string("internal error in the guard compiler: ") + error.what()};
  }
  // A module with a guard compiled as written (optnone) is generated without the back end's
  // optimisations too: its register allocator took 8 s over a list of 4,000 computed
  // elements, where generating it as written takes 1.3 s. The choice follows from the
  // module's content, which names it in the object cache.
  const bool asWritten = std::any_of(built.module->begin(), built.module->end(), [](const llvm::Function& function) {
    return function.hasFnAttribute(llvm::Attribute::OptimizeNone);
  });
  machine->setCodeGenOptLevel(asWritten ? llvm::CodeGenOpt::None : codegenLevel(level));
  auto target = machine->createTargetMachine();
  if (!target) return Error{"cannot create the LLVM target: " + errorText(target.takeError())};
  built.module->setDataLayout((*target)->createDataLayout());
  built.module->setTargetTriple((*target)->getTargetTriple().str());
  impl->constants = std::move(built.constants);
  for (const auto& constant : impl->constants) impl->constantPointers.push_back(&constant);
  impl->contextSize = contextTypes.size();
  for (const auto& entry : entries) {
    impl->guards.push_back(entry.guard);
    impl->eventSlots.push_back(kEventPayloadSlot + entry.eventPayload.size());
  }

  ObjectCache* cache = cacheable ? options.cache : nullptr;
  bool* fromCache = &impl->fromCache;
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(*machine)
                 .setObjectLinkingLayerCreator(createNearCodeLinkingLayer)
                 .setCompileFunctionCreator(
                     [level, cache, fromCache](llvm::orc::JITTargetMachineBuilder builder)
                         -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                       auto compileTarget = builder.createTargetMachine();
                       if (!compileTarget) return compileTarget.takeError();
                       return std::make_unique<CachingCompiler>(std::move(*compileTarget), level, cache, fromCache);
                     })
                 .create();
  if (!jit) return Error{"cannot start the LLVM JIT: " + errorText(jit.takeError())};
  impl->jit = std::move(*jit);

  // The only code generated guards can reach: the registered runtime helpers.
  llvm::orc::SymbolMap helpers;
  for (const auto& helper : runtimeHelpers()) {
    helpers[impl->jit->mangleAndIntern(llvm::StringRef(helper.name.data(), helper.name.size()))] =
        llvm::JITEvaluatedSymbol(llvm::pointerToJITTargetAddress(helper.address),
                                 llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
  }
  if (auto error = impl->jit->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(helpers)))) {
    return Error{"cannot register the runtime helpers: " + errorText(std::move(error))};
  }
  if (auto error = impl->jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(built.module), std::move(context)))) {
    return Error{"cannot add the guard module: " + errorText(std::move(error))};
  }
  auto table = impl->jit->lookup(kEntryTableSymbol);
  if (!table) return Error{"cannot link the guard module: " + errorText(table.takeError())};
  impl->entries = llvm::jitTargetAddressToPointer<const void* const*>(table->getAddress());

  impl->statistics.nearHelpers = std::all_of(impl->entries, impl->entries + entries.size(), inNearWindow);
  impl->statistics.fromCache = impl->fromCache;
  impl->statistics.expressions = entries.size();
  impl->statistics.milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return std::unique_ptr<CompiledExpressions>(new CompiledExpressions(std::move(impl)));
}

GuardStatus GuardCall::mismatch(const GuardInput& input, std::string* error) const {
  if (error != nullptr) *error = shapeMismatch(input, contextSlots_, eventSlots_);
  return GuardStatus::Error;
}

GuardStatus GuardCall::finish(JitOutcome& outcome, std::int32_t status, std::string* error) {
  if ((status & kStatusScratch) == 0) outcome.scratch = nullptr;
  const ScratchOwner owner(outcome);
  const auto kind = static_cast<GuardStatus>(status & ~kStatusScratch);
  if (kind == GuardStatus::Error && error != nullptr) *error = errorMessage(outcome);
  return kind;
}

std::optional<GuardCall> CompiledExpressions::guardCall(std::size_t index) const {
  if (index >= impl_->guards.size() || !impl_->guards[index]) return std::nullopt;
  return impl_->guardCallAt(index);
}

Verdict CompiledExpressions::guard(std::size_t index, const GuardInput& input) const {
  if (!impl_->fits(index, input)) [[unlikely]] {
    return {Verdict::Kind::Error, impl_->mismatch(index, input)};
  }
  if (impl_->guards[index]) {
    Verdict verdict;
    verdict.kind = impl_->guardCallAt(index)(input, &verdict.error);
    return verdict;
  }
  JitOutcome outcome{};
  const ScratchOwner owner(outcome);
  const Value* result = impl_->call<ValueEntry>(index, input, outcome);
  if (result == nullptr) return {Verdict::Kind::Error, errorMessage(outcome)};
  if (!result->is<bool>()) return {Verdict::Kind::Error, "guard is not a bool"};
  return {result->as<bool>() ? Verdict::Kind::True : Verdict::Kind::False, {}};
}

Value CompiledExpressions::value(std::size_t index, const GuardInput& input) const {
  if (!impl_->fits(index, input)) return Value::error(impl_->mismatch(index, input));
  JitOutcome outcome{};
  const ScratchOwner owner(outcome);
  if (impl_->guards[index]) {
    const std::int32_t status = impl_->call<GuardCall::Entry>(index, input, outcome) & ~kStatusScratch;
    if (status == 0 || status == 1) return Value(status == 1);
  } else {
    const Value* result = impl_->call<ValueEntry>(index, input, outcome);
    if (result != nullptr) return *result;
  }
  if (outcome.error != nullptr && outcome.error->isError()) return *outcome.error;
  return Value::error("evaluation failed: out of memory");
}

std::size_t CompiledExpressions::size() const { return impl_->guards.size(); }
const CompileStatistics& CompiledExpressions::statistics() const { return impl_->statistics; }

Result<std::string> emitLlvmIR(std::span<const ExpressionEntry> entries, std::span<const Type> contextTypes,
                               std::string_view moduleName, unsigned optimizationLevel) {
  initializeNativeTarget();
  auto machine = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machine) return Error{"cannot target this CPU: " + errorText(machine.takeError())};
  auto target = machine->createTargetMachine();
  if (!target) return Error{"cannot create the LLVM target: " + errorText(target.takeError())};
  llvm::LLVMContext context;
  BuiltModule built;
  try {
    built = buildModule(context, entries, contextTypes, moduleName);
  } catch (const std::exception& error) {
    return Error{std::string("internal error in the guard compiler: ") + error.what()};
  }
  built.module->setDataLayout((*target)->createDataLayout());
  built.module->setTargetTriple((*target)->getTargetTriple().str());
  optimizeModule(*built.module, **target, optimizationLevel > 3 ? 3 : optimizationLevel);
  std::string text;
  llvm::raw_string_ostream stream(text);
  built.module->print(stream, nullptr);
  return stream.str();
}

}  // namespace approval::jit
