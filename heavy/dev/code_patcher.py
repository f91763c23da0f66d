"""Swaps a changed Python file into the running process with jurigged, and says when it cannot.

jurigged keeps the source of every watched module as it was imported. When a file changes it diffs
the new source against that, definition by definition, and replaces each changed function's
``__code__`` in place. The function objects stay the same, so everything that holds them (ReactPy's
layouts compare a component's function to decide whether to keep its state, routes, other modules
that imported the name) runs the new code at once.

Some changes cannot be applied that way; :meth:`CodePatcher.apply` tells them apart:

- a syntax error: nothing is applied (the file is parsed before anything changes);
- an error while running the changed code (a failing new import, a ``NameError`` in a new
  top-level statement): jurigged applied what came before the error;
- a change that replaces an object instead of patching it: a function or class defined again
  (its decorators, base classes or signature-level closure changed), a changed statement at the
  top of a module or class body (a constant, a model field: whoever copied the old value keeps
  it), or a changed function that already ran at start-up (``create_app`` and what it calls: its
  effect is not redone). These need a restart.
"""

from __future__ import annotations

import ast
import contextlib
import enum
import gc
import inspect
import os
import sys
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType, FunctionType
from typing import Any

import jurigged.codetools as jurigged_codetools
from codefind import ConformException
from jurigged import registry
from jurigged.codetools import (
    AddOperation,
    ClassDefinition,
    Definition,
    DeleteOperation,
    FunctionDefinition,
    LineDefinition,
    UpdateOperation,
)

_JURIGGED_CONFORM = jurigged_codetools.conform


class PatchStatus(enum.Enum):
    APPLIED = "applied"
    UNCHANGED = "unchanged"
    NOT_LOADED = "not loaded"  # no module of the running process comes from that file
    SYNTAX_ERROR = "syntax error"
    FAILED = "failed"
    NEEDS_RESTART = "needs restart"


@dataclass(frozen=True)
class PatchOutcome:
    """What :meth:`CodePatcher.apply` did with one file, and a one-line ``detail`` for the log."""

    status: PatchStatus
    path: Path
    detail: str = ""
    changed: tuple[str, ...] = ()  # names of the functions and classes that now run new code
    seconds: float = 0.0


@dataclass
class _Classification:
    module_name: str
    changed: list[str] = field(default_factory=list)
    restart_reasons: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def short_name(self, definition: Definition) -> str:
        """``heavy_stack.frontend.pages.landing_page.CounterSection`` -> ``landing_page.CounterSection``."""
        qualified_name = definition.dotpath().removeprefix(self.module_name + ".")
        return f"{self.module_name.rpartition('.')[2]}.{qualified_name}"


class CodePatcher:
    """Tracks the modules imported from ``roots`` and patches them in place when their file changes.

    Call :meth:`track_imports` before the app is imported, and :meth:`apply` on the thread that
    runs the app's event loop, so that a render never sees a module half patched.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = tuple(roots)
        self._prefixes = tuple(str(root).rstrip(os.sep) + os.sep for root in self.roots)
        self._events: list[object] = []
        self._startup_functions: set[str] = set()
        self._sniffer: Any = None
        self._indexed: weakref.WeakSet[FunctionType] = weakref.WeakSet()

    # --- setting up ----------------------------------------------------------------------------

    def is_watched(self, filename: str) -> bool:
        return filename.endswith(".py") and filename.startswith(self._prefixes)

    def track_imports(self) -> None:
        """Remember the source of every module imported from the roots, now and from now on."""
        if self._sniffer is not None:
            return
        jurigged_codetools.conform = self._conform
        registry.set_logger(self._events.append)
        self._sniffer = registry.auto_register(filter=self.is_watched)

    def stop_tracking(self) -> None:
        if self._sniffer is not None:
            self._sniffer.uninstall()
            self._sniffer = None
        registry.set_logger(None)
        jurigged_codetools.conform = _JURIGGED_CONFORM

    @contextlib.contextmanager
    def recording_startup(self) -> Iterator[None]:
        """Note the functions of the roots that run inside this block (building the app).

        A later change to one of them needs a restart: patching it would not redo what it did.
        """
        self.start_recording_startup()
        try:
            yield
        finally:
            self.stop_recording_startup()

    def start_recording_startup(self) -> None:
        sys.setprofile(self._record_call)

    def stop_recording_startup(self) -> None:
        sys.setprofile(None)

    def index_functions(self) -> None:
        """Note the functions defined in the roots (see :meth:`_conform`); once the app is built."""
        self._indexed.update(
            item
            for item in gc.get_objects()
            # type(), not isinstance(): a dead weak proxy among the objects raises on isinstance()
            if type(item) is FunctionType and item.__code__.co_filename.startswith(self._prefixes)
        )

    def _conform(self, obj1: Any, obj2: Any, use_cache: bool = False) -> None:
        """jurigged's ``conform`` (put new code into the functions running old code), made to fit here.

        - Closures made by earlier calls may keep their old code. When an inner function (an
          event handler inside a component, say) starts capturing another variable, its closures
          from earlier calls cannot take the new code, and jurigged would give up and define the
          whole outer function anew: for a component, a new type and lost state. Those closures
          are stale anyway: the next call of the outer function (the re-render that follows)
          makes new ones.
        - Finding the functions that run a code object takes a scan of every object in the
          process (``gc.get_referrers``: tens of milliseconds in a running app), for each changed
          or moved function of the saved file. So the app's functions are noted once
          (:meth:`index_functions`) and looked up there; inner functions whose code only moved to
          other lines are left alone (their closures are made anew at the next call).
        """
        if not isinstance(obj1, CodeType):
            _JURIGGED_CONFORM(obj1, obj2, use_cache=use_cache)
            return
        nested = bool(obj1.co_flags & inspect.CO_NESTED)
        if nested and isinstance(obj2, CodeType) and _same_but_for_lines(obj1, obj2):
            return
        for function in self._functions_running(obj1, indexed=not nested):
            if nested:
                with contextlib.suppress(ConformException):
                    _JURIGGED_CONFORM(function, obj2)
            else:
                _JURIGGED_CONFORM(function, obj2)

    def _functions_running(self, code: CodeType, *, indexed: bool) -> list[FunctionType]:
        """The functions whose code is this very ``code`` object: noted ones first, else a scan."""
        if indexed:
            found = [function for function in self._indexed if function.__code__ is code]
            if found:
                return found
        found = [
            item for item in gc.get_referrers(code) if type(item) is FunctionType and item.__code__ is code
        ]
        if indexed:
            self._indexed.update(found)
        return found

    def _record_call(self, frame: FrameType, event: str, _arg: object) -> None:
        if event != "call":
            return
        code = frame.f_code
        if code.co_filename.startswith(self._prefixes) and "<" not in code.co_qualname:
            self._startup_functions.add(f"{frame.f_globals.get('__name__')}.{code.co_qualname}")

    # --- applying a change ---------------------------------------------------------------------

    def apply(self, path: Path) -> PatchOutcome:
        """Bring the running code of ``path`` up to date with the file, or say why it cannot."""
        started = time.perf_counter()
        code_file = registry.get(str(path))
        if code_file is None:
            return PatchOutcome(PatchStatus.NOT_LOADED, path)
        defined_before = {
            definition.dotpath()
            for definition in code_file.root.walk()
            if isinstance(definition, FunctionDefinition | ClassDefinition)
        }
        self._events.clear()
        try:
            code_file.refresh()
        except SyntaxError as error:
            return PatchOutcome(PatchStatus.SYNTAX_ERROR, path, _describe_syntax_error(error))
        except Exception as error:  # unreadable file, or jurigged itself failed: keep serving
            return PatchOutcome(PatchStatus.FAILED, path, _describe_error(error, path))
        finally:
            events, self._events[:] = list(self._events), []
        result = self._classify(events, defined_before, code_file.module_name)
        seconds = time.perf_counter() - started
        changed = tuple(result.changed)
        if result.errors:
            detail = _describe_error(result.errors[0], path)
            return PatchOutcome(PatchStatus.FAILED, path, detail, changed, seconds)
        if result.restart_reasons:
            return PatchOutcome(PatchStatus.NEEDS_RESTART, path, result.restart_reasons[0], changed, seconds)
        if not events:
            return PatchOutcome(PatchStatus.UNCHANGED, path, seconds=seconds)
        return PatchOutcome(PatchStatus.APPLIED, path, ", ".join(changed), changed, seconds)

    def _classify(self, events: list[object], defined_before: set[str], module_name: str) -> _Classification:
        result = _Classification(module_name)
        for event in events:
            if isinstance(event, BaseException):
                result.errors.append(event)
            elif isinstance(event, AddOperation):
                self._classify_addition(event, defined_before, result)
            elif isinstance(event, UpdateOperation) and isinstance(event.defn, FunctionDefinition):
                self._classify_update(event.defn, result)
            elif isinstance(event, DeleteOperation) and not isinstance(event.defn, LineDefinition):
                result.changed.append(result.short_name(event.defn) + " (deleted)")
        return result

    def _classify_addition(
        self, event: AddOperation, defined_before: set[str], result: _Classification
    ) -> None:
        definition = event.defn
        if isinstance(definition, FunctionDefinition | ClassDefinition):
            name = result.short_name(definition)
            if definition.dotpath() in defined_before:
                kind = "function" if isinstance(definition, FunctionDefinition) else "class"
                result.restart_reasons.append(
                    f"{kind} {name} is defined anew (changed decorators, base classes or captured "
                    "names), so code holding the old one would not see it"
                )
            else:
                result.changed.append(name)
        elif isinstance(definition, LineDefinition) and not _is_harmless_statement(definition.node):
            parent = definition.parent
            where = f"class {parent.name}" if isinstance(parent, ClassDefinition) else "module"
            statement = " ".join(definition.text.split())
            statement = statement if len(statement) <= 60 else statement[:57] + "..."
            result.restart_reasons.append(
                f"a statement in the {where} body changed ({statement}); values already copied "
                "elsewhere would keep the old one"
            )

    def _classify_update(self, definition: FunctionDefinition, result: _Classification) -> None:
        name = result.short_name(definition)
        if definition.dotpath() in self._startup_functions:
            result.restart_reasons.append(
                f"{name} ran when the app was built; patching it would not redo that"
            )
            return
        code = definition.get_object()
        if (
            isinstance(code, CodeType)
            and isinstance(definition.parent, ClassDefinition)
            and "super" in code.co_names
            and "__class__" not in code.co_freevars
        ):
            result.restart_reasons.append(f"{name} now calls super(), which a patched method cannot")
            return
        result.changed.append(name)


def _same_but_for_lines(old: CodeType, new: CodeType) -> bool:
    return (
        old.co_code == new.co_code
        and old.co_names == new.co_names
        and old.co_varnames == new.co_varnames
        and old.co_freevars == new.co_freevars
        and old.co_cellvars == new.co_cellvars
        and all(
            type(a) is type(b) and (isinstance(a, CodeType) or a == b)
            for a, b in zip(old.co_consts, new.co_consts, strict=False)
        )
        and len(old.co_consts) == len(new.co_consts)
    )


def _is_harmless_statement(node: ast.AST | None) -> bool:
    """Imports and docstrings can run again without leaving anything stale behind."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _describe_syntax_error(error: SyntaxError) -> str:
    where = f"line {error.lineno}: " if error.lineno else ""
    return f"{where}{type(error).__name__}: {error.msg}"


def _describe_error(error: BaseException, path: Path) -> str:
    line = _line_in(error, path)
    where = f"line {line}: " if line else ""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{where}{type(error).__name__}: {message}".rstrip(": ")


def _line_in(error: BaseException, path: Path) -> int | None:
    """The last line of ``path`` in the error's traceback (where the new code failed)."""
    line = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == str(path):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
