// Lowers one checked ir::Expr into LLVM IR inside an entry function.
//
// Representation: an expression of static type bool, int, uint, double, duration or
// timestamp lives in a register (i1, i64, double) when its whole subtree is closed (no dyn
// or error types, so the static type is the run-time kind). Everything else is a pointer
// to a Value: a context or event slot's value, a constant, or a temporary in the call's
// scratch. Scalar arithmetic and comparisons are native; other operations call the
// runtime helpers (runtime/helpers.h), which reuse the interpreter's implementations.
//
// Errors: every expression is compiled against an error target, a block with a phi of the
// error Value*. Strict operations branch there as soon as an operand fails; `&&`, `||` and
// the macros compile their operands against local targets to absorb errors as CEL says.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "approval/ir.h"
#include "approval/jit.h"
#include "approval/types.h"
#include "approval/value.h"
#include "runtime/frame.h"

namespace approval::jit {

/// How a compiled value is held: a native register of a kind, or a Value pointer.
enum class Repr { Bool, Int, Uint, Double, Duration, Timestamp, Boxed };

struct CgValue {
  llvm::Value* value = nullptr;
  Repr repr = Repr::Boxed;
};

/// A bool-or-error-or-other outcome, used where CEL absorbs errors: kind is 0 false,
/// 1 true, 2 error (`pointer` is the error), 3 a non-bool value (`pointer` is it, boxed).
struct Outcome {
  llvm::Value* kind = nullptr;     // i32
  llvm::Value* pointer = nullptr;  // i8*
};

class ExpressionCodegen {
 public:
  ExpressionCodegen(llvm::Module& module, std::deque<Value>& constants, std::span<const Type> contextTypes);

  /// Emits `define i32 @name(i8* frame)`: 0 false, 1 true, 2 error (in frame.error).
  void emitGuard(const ExpressionEntry& entry, const std::string& name);
  /// Emits `define i8* @name(i8* frame)`: the boxed result, or null (error in frame.error).
  void emitValue(const ExpressionEntry& entry, const std::string& name);

 private:
  struct ErrorTarget {
    llvm::BasicBlock* block = nullptr;
    llvm::PHINode* error = nullptr;
    /// Shared by every failing helper call: loads frame.error and branches to `block`.
    llvm::BasicBlock* fromFrame = nullptr;
  };
  llvm::BasicBlock* fromFrameBlock();

  // Function scaffolding (emit_module.cpp / expression_codegen.cpp).
  llvm::Function* beginFunction(const std::string& name, llvm::Type* result, const ExpressionEntry& entry);
  llvm::AllocaInst* entryAlloca(llvm::Type* type, const char* name, unsigned count = 1);

  // Dispatch (expression_codegen.cpp).
  CgValue compile(const ir::Expr& expr);
  CgValue literal(const ir::Expr& expr);
  CgValue contextField(const ir::Expr& expr);
  CgValue eventField(const ir::Expr& expr);
  CgValue variable(const ir::Expr& expr);
  CgValue unary(const ir::Expr& expr);
  CgValue binary(const ir::Expr& expr);
  CgValue nativeBinary(ast::BinaryOp op, CgValue left, CgValue right);
  CgValue arithmetic(ast::BinaryOp op, CgValue left, CgValue right);
  CgValue conditional(const ir::Expr& expr);
  CgValue list(const ir::Expr& expr);
  CgValue map(const ir::Expr& expr);
  CgValue call(const ir::Expr& expr);
  CgValue has(const ir::Expr& selection);
  CgValue genericCall(const ir::Expr& expr);

  // `hasQuorum()` and `hasQuorum(n)` (state_codegen.cpp).
  CgValue hasQuorum();
  CgValue hasQuorumOf(llvm::Value* n);
  /// 0/1 from `decide()` (emitted where the state is known to be present), or
  /// kStatusError without a state: the fast status withSlowPath expects.
  llvm::Value* withState(const std::function<llvm::Value*()>& decide);
  /// The i64 an ApprovalState count method returns, called through the state's vtable at
  /// `slotOffset` (runtime/state_methods.h).
  llvm::Value* callStateMethod(std::uint64_t slotOffset);

  // Logic with CEL error absorption (logic_codegen.cpp).
  Outcome outcome(const ir::Expr& expr);
  CgValue logical(const ir::Expr& expr);

  // Macros as loops over the range (macro_codegen.cpp).
  CgValue macro(const ir::Expr& expr);
  /// Counts `elements` (an i64) more elements visited in this call by a macro, or by an
  /// operation inside one; past kMaxMacroElements `what` fails as the interpreter's does,
  /// unless it counted none.
  void countVisited(llvm::Value* elements, const std::string& what);

  // What operations inside a macro read, counted as visited (read_cost_codegen.cpp).
  using CostOf = std::uint64_t (*)(const Value&) noexcept;
  /// One operand's part of an operation's cost: `costOf` (an eval:: cost) of its value, by
  /// `costHelper` at run time; null when it is zero for certain (a native scalar, a short
  /// literal).
  llvm::Value* operandCost(const ir::Expr& operand, CgValue value, std::string_view costHelper, CostOf costOf);
  /// Inside a macro, counts the sum of `costs` (nulls count zero) as visited by `what`;
  /// outside one, or when every cost is null, emits nothing.
  void chargeRead(const std::vector<llvm::Value*>& costs, const std::string& what);
  /// chargeRead for a call's string arguments (eval::textCost), the receiver included.
  void chargeArguments(const ir::Expr& call, const std::vector<CgValue>& arguments);

  // Values and errors (values_codegen.cpp).
  llvm::Value* box(CgValue value);
  /// The helper's boxed result as `expr` wants it: unboxed when `expr` is native.
  CgValue fromBoxed(llvm::Value* boxed, const ir::Expr& expr);
  CgValue unboxTo(llvm::Value* boxed, Repr repr);
  [[nodiscard]] Repr nativeRepr(const ir::Expr& expr);
  [[nodiscard]] bool closed(const ir::Expr& expr);
  /// Branches to the error target with `error` (an i8* Value*); code after it is unreachable.
  void fail(llvm::Value* error);
  void failWithMessage(const std::string& message);
  /// Continues when `pointer` is non-null; null: the helper's error is in frame.error.
  llvm::Value* checkPointer(llvm::Value* pointer);
  /// Continues with `status == 1` as i1; status 2: the helper's error is in frame.error.
  llvm::Value* checkStatus(llvm::Value* status);
  /// An error exit to the current target: loads frame.error.
  void failFromFrame();
  llvm::Value* constant(Value value);
  /// The value of a list or map of literals only, built now; nothing for any other
  /// expression, or when building it fails (its code then fails as the interpreter does).
  std::optional<Value> builtOnce(const ir::Expr& expr);
  llvm::Value* stringConstant(const std::string& text);
  llvm::Value* helper(std::string_view name, std::vector<llvm::Value*> arguments);
  /// The i1 of a frame-free helper's status (0/1), or of `slow()` (an i1 from a helper
  /// that can report errors) when the fast helper returns kStatusError ("cannot decide").
  llvm::Value* withSlowPath(llvm::Value* fastStatus, const std::function<llvm::Value*()>& slow);
  /// Stores the entry's arguments into frame_: before each helper call that receives it, or
  /// once, on entry, in a guard compiled as written.
  void storeFrameArguments();
  /// In a guard compiled as written, ends the block once it holds kNodesPerBlock nodes.
  void limitBlockLength();
  /// The frame's scratch pointer (helpers create the scratch on first use).
  llvm::Value* scratchField();
  /// Moves a scratch the helpers created into the caller's JitOutcome. Callers of value
  /// entries zero their outcome; guard callers look at it only when the status says so.
  void handOverScratch();
  /// Stores the call's scratch, if it has one, into the caller's JitOutcome. Leaves the
  /// builder at the end of that store and returns the block for the call without one.
  llvm::BasicBlock* storeScratchIfAny();
  /// Returns `status`, with kStatusScratch when the caller has a scratch to free.
  void returnStatus(llvm::Value* status);
  llvm::Value* slotBits(llvm::Value* slots, std::uint64_t index);
  llvm::Value* slotValue(llvm::Value* slots, std::uint64_t index);
  /// Room for `count` element pointers (a list's, a map's, a call's arguments): on the
  /// caller's stack while the function's arrays take at most kStackArrayElements slots in
  /// all, then from the call's scratch, so that a guard of a million elements cannot
  /// overflow the stack of the thread that fires. Typed as a pointer to pointers.
  llvm::Value* elementArray(std::size_t count);
  static constexpr std::size_t kStackArrayElements = 4096;  // 32 KB
  llvm::Value* pointerArray(const std::vector<llvm::Value*>& elements);
  /// `operands` compiled and boxed into an array, each stored as soon as it is computed (held
  /// until the last, each would take a stack slot of its own). `each` sees every operand's
  /// value before it is boxed.
  llvm::Value* boxedArray(const std::vector<ir::Expr>& operands,
                          const std::function<void(std::size_t, const CgValue&)>& each);
  llvm::BasicBlock* newBlock(const char* name);
  /// When `condition` holds, runs `emitFailure` in a cold block (it must end by failing);
  /// code generation continues on the path where it does not.
  void failWhen(llvm::Value* condition, const std::function<void()>& emitFailure);
  /// `value` as an i1; a non-bool value fails through `notBoolHelper(frame, value, extra)`.
  llvm::Value* requireBool(CgValue value, std::string_view notBoolHelper, llvm::Value* extra);
  /// Fails with `message` when the call has no event; continues when it has one.
  void requireEvent(const std::string& message);
  /// Runs `body` against a fresh error target; returns the error phi's block, to which
  /// the caller must still position after the normal path ends.
  ErrorTarget pushErrorTarget(const char* name);
  void popErrorTarget(const ErrorTarget& saved);

  llvm::Module& module_;
  llvm::LLVMContext& context_;
  llvm::IRBuilder<> builder_;
  std::deque<Value>& constants_;
  std::span<const Type> contextTypes_;
  std::unordered_map<std::string, std::size_t> stringConstants_;

  // Per function.
  llvm::Function* function_ = nullptr;
  llvm::Value* frame_ = nullptr;  // what helpers receive (an alloca, filled by storeFrameArguments)
  // The call's scratch so far: an alloca promoted to SSA, or in a guard compiled as written
  // the frame's own field (frame_ is filled once there, so no helper call copies it).
  llvm::Value* scratchSoFar_ = nullptr;
  llvm::AllocaInst* visited_ = nullptr;  // elements visited (kMaxMacroElements); made on first use
  bool asWritten_ = false;               // optnone: a guard too large or deep to optimise
  std::size_t nodesInBlock_ = 0;         // compiled into the current block (asWritten_ only)
  std::size_t stackArrayElements_ = 0;   // element arrays' slots on the stack so far (elementArray)
  llvm::Value* outcome_ = nullptr;  // the caller's JitOutcome
  llvm::Value* contextSlots_ = nullptr;  // the entry's arguments
  llvm::Value* eventSlots_ = nullptr;
  llvm::Value* state_ = nullptr;
  llvm::Value* constantTable_ = nullptr;
  llvm::Value* trueConstant_ = nullptr;  // the boxed bools, loaded once per function
  llvm::Value* falseConstant_ = nullptr;
  llvm::BasicBlock* allocaBlock_ = nullptr;
  ErrorTarget target_;
  const ExpressionEntry* entry_ = nullptr;
  struct Binding {
    std::string name;
    CgValue value;
    bool closed = false;  // bound from a closed range: its static type is its run-time kind
  };
  std::vector<Binding> scope_;
  std::unordered_map<const ir::Expr*, bool> closedCache_;

  llvm::Type* i1_;
  llvm::Type* i32_;
  llvm::Type* i64_;
  llvm::Type* double_;
  llvm::PointerType* pointer_;  // i8*
};

}  // namespace approval::jit
