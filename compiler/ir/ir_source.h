// An IR machine written back as the syntax tree it would have been compiled from, so that
// IR read from JSON can be checked by compiling that tree again (ir_verify.cpp).
#pragma once

#include "approval/ast.h"
#include "approval/ir.h"
#include "approval/types.h"

namespace approval {

/// `machine` as a syntax tree in file `file`: declared events with their payloads, every
/// context field with its default, `final:` as the IR marks it, one transition per IR
/// declaration (its expanded sources as a list), guards and arguments with each IR node as
/// the syntax it lowers from (a context field as its name, an event field as `event.name`).
/// The IR's spans are kept. The tree is only as valid as the IR: compiling it reports what
/// is wrong.
[[nodiscard]] ast::Machine sourceOf(const ir::Machine& machine, FileId file);

/// The declaration of `type` as the DSL writes it (`list<string>`), located at `where`.
[[nodiscard]] ast::TypeRef typeRefOf(const Type& type, SourceSpan where);

}  // namespace approval
