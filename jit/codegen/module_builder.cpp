// One LLVM module per compile: an entry function per expression and a table of them.
#include "codegen/module_builder.h"

#include <stdexcept>
#include <string>

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "codegen/expression_codegen.h"

namespace approval::jit {

BuiltModule buildModule(llvm::LLVMContext& context, std::span<const ExpressionEntry> entries,
                        std::span<const Type> contextTypes, std::string_view moduleName) {
  BuiltModule built;
  built.module = std::make_unique<llvm::Module>(llvm::StringRef(moduleName.data(), moduleName.size()), context);
  ExpressionCodegen codegen(*built.module, built.constants, contextTypes);
  std::vector<llvm::Constant*> functions;
  auto* pointer = llvm::Type::getInt8PtrTy(context);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string name = "approval_entry_" + std::to_string(i);
    if (entries[i].guard) {
      codegen.emitGuard(entries[i], name);
    } else {
      codegen.emitValue(entries[i], name);
    }
    functions.push_back(llvm::ConstantExpr::getBitCast(built.module->getFunction(name), pointer));
  }
  auto* tableType = llvm::ArrayType::get(pointer, functions.size());
  new llvm::GlobalVariable(*built.module, tableType, true, llvm::GlobalValue::ExternalLinkage,
                           llvm::ConstantArray::get(tableType, functions), std::string(kEntryTableSymbol));
  std::string problems;
  llvm::raw_string_ostream stream(problems);
  if (llvm::verifyModule(*built.module, &stream)) {
    throw std::logic_error("generated LLVM IR is invalid: " + stream.str());
  }
  return built;
}

}  // namespace approval::jit
