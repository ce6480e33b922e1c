"""A numba compiler pass for the kernel: the phases' views of the tuples become the kernel's.

Inlining a phase (``@njit(inline="always")``) copies its tuple arguments (``p``, ``st``,
``out``) into the phase's own variables, and each phase unpacks the fields it uses into
locals. Every such copy or field is an array reference the compiled code counts (an atomic
increment and decrement per phase per step), which numba's reference-count pruning does not
remove across the calls a phase makes. This pass, run right after inlining, before typing:

* replaces every variable that is only ever a copy of one of the :data:`ROOTS` (or of such a
  copy) by the root itself, and
* replaces every variable that is only ever ``root.field`` by one shared variable, read once
  right after the root is defined.

What is left is the code of a hand-written single function whose locals were unpacked once
per replication: the same operations in the same order (bit-identical results), without the
reference counting. Only variables with a single definition are touched, so no value
changes.
"""

from __future__ import annotations

from typing import Any

from numba.core import ir
from numba.core.compiler import CompilerBase, DefaultPassBuilder
from numba.core.compiler_machinery import FunctionPass, register_pass
from numba.core.ir_utils import build_definitions, replace_var_names
from numba.core.untyped_passes import InlineInlinables

#: The tuples the phases receive: the parameters, the state and the outcome.
ROOTS = ("p", "st", "out")


def _defs(blocks: dict[int, ir.Block]) -> dict[str, list[ir.Assign]]:
    defs: dict[str, list[ir.Assign]] = {}
    for block in blocks.values():
        for stmt in block.body:
            if isinstance(stmt, ir.Assign):
                defs.setdefault(stmt.target.name, []).append(stmt)
    return defs


def share_tuple_fields(func_ir: ir.FunctionIR, roots: tuple[str, ...] = ROOTS) -> bool:
    """Rewrite ``func_ir`` in place (see the module docstring); True if anything changed."""
    blocks = func_ir.blocks
    defs = _defs(blocks)
    root_names = {r for r in roots if len(defs.get(r, ())) == 1}
    if not root_names:
        return False
    changed = False
    # 1. copies of a root (chains of them) -> the root
    alias: dict[str, str] = {}
    progress = True
    while progress:
        progress = False
        for name, ds in defs.items():
            if name in alias or name in root_names or len(ds) != 1:
                continue
            v = ds[0].value
            if isinstance(v, ir.Var):
                src = alias.get(v.name, v.name)
                if src in root_names:
                    alias[name] = src
                    progress = True
    # 2. root.field -> one shared variable per (root, field)
    shared: dict[tuple[str, str], ir.Var] = {}
    field_of: dict[str, tuple[str, str]] = {}
    for name, ds in defs.items():
        if len(ds) != 1 or name in root_names:
            continue
        v = ds[0].value
        if isinstance(v, ir.Expr) and v.op == "getattr" and isinstance(v.value, ir.Var):
            src = alias.get(v.value.name, v.value.name)
            if src in root_names:
                field_of[name] = (src, v.attr)
    if not alias and not field_of:
        return False
    # the shared field reads, right after each root's definition
    for block in blocks.values():
        new_body: list[Any] = []
        for stmt in block.body:
            new_body.append(stmt)
            if isinstance(stmt, ir.Assign) and stmt.target.name in root_names:
                root = stmt.target
                for key in sorted({k for k in field_of.values() if k[0] == root.name}):
                    var = ir.Var(block.scope, f"{root.name}__{key[1]}", stmt.loc)
                    shared[key] = var
                    new_body.append(ir.Assign(ir.Expr.getattr(root, key[1], stmt.loc), var,
                                              stmt.loc))
        block.body = new_body
    rename = dict(alias)
    for name, key in field_of.items():
        rename[name] = shared[key].name
    # drop the definitions being replaced, then rename every use
    for block in blocks.values():
        block.body = [s for s in block.body
                      if not (isinstance(s, ir.Assign) and s.target.name in rename)
                      and not (isinstance(s, ir.Del) and s.value in rename)]
    replace_var_names(blocks, rename)
    func_ir._definitions = build_definitions(blocks)
    changed = True
    return changed


@register_pass(mutates_CFG=False, analysis_only=False)
class ShareTupleFields(FunctionPass):
    """:func:`share_tuple_fields` as a numba pass."""

    _name = "skyshield_share_tuple_fields"

    def __init__(self) -> None:
        FunctionPass.__init__(self)

    def run_pass(self, state: Any) -> bool:
        return share_tuple_fields(state.func_ir)


class KernelCompiler(CompilerBase):
    """numba's nopython pipeline with :class:`ShareTupleFields` right after inlining."""

    def define_pipelines(self) -> list[Any]:
        pm = DefaultPassBuilder.define_nopython_pipeline(self.state)
        pm.add_pass_after(ShareTupleFields, InlineInlinables)
        pm.finalize()
        return [pm]
