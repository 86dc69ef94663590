"""``@moduleinfo(...)`` of a module.py, read with Python's own parser (``ast``), never imported or
executed.

PaddleHub's decorator (``paddlehub/module/module.py``) is
``moduleinfo(name, version, author=None, author_email=None, summary=None, type=None, meta=None)``:
it stamps those values on the class it decorates, which ``hub.Module(name=...)`` then loads. The
catalogue's files give every argument as a keyword with a string literal, except ``meta``, the
class the module extends (``ImageClassifierModule``, ``hub.NLPPredictionModule``), which is a name
by design and kept as its dotted name.

What a hostile file can cost is bounded: its size (:data:`MAX_MODULE_BYTES`; the largest real one
holds 43 kB), then Python's parser itself (nesting of brackets and blocks is limited by the
grammar, and over-deep expressions raise rather than recurse without end; both are caught), then
the statements walked to find the decorated class (:data:`MAX_STATEMENTS`) and the depth of a
string expression folded (:data:`MAX_FOLD_DEPTH`). Parse time is linear in the size: the worst
shapes measured at the size bound (``benchmarks/paddlehub_parse.py``) parse in well under a
second. A file Python cannot parse (a syntax error anywhere in it) still gives its decorator when
the decorator alone parses (:func:`_decorator_alone`).

The parse depends on the bytes only (no path): the catalog keys it by blob id. Notes are
``(line, kind, detail)``; the catalog turns them into anomalies of the file. Details never quote
the interpreter's own error messages, which change between Python versions.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass

from tfhub_dataset.hubs.paddlehub.authors import email_class
from tfhub_dataset.hubs.tfhub.text import decode_text

MAX_MODULE_BYTES = 256 * 1024
MAX_STATEMENTS = 20_000  # statements visited looking for the decorated class
MAX_FOLD_DEPTH = 16  # of a string expression folded ("a" + "b", a name bound to a literal)
MAX_DECORATOR_CHARS = 20_000  # of a decorator read alone, when the file does not parse
MAX_DECORATOR_LINES = 400
MAX_VALUE = 2_000  # characters kept of one argument's value
# The decorator's parameters in order (positional arguments map onto them).
PARAMETERS = ("name", "version", "author", "author_email", "summary", "type", "meta")
TEXT_FIELDS = ("name", "version", "author", "summary", "type")
REQUIRED = ("name", "version")  # no default in the decorator's signature
VERSION = re.compile(r"\d{1,9}(?:\.\d{1,9}){0,5}")
DECORATOR_LINE = re.compile(r"^[ \t]*@[ \t]*((?:[A-Za-z_]\w{0,99}[ \t]*\.[ \t]*){0,5}moduleinfo)\b")
CLASS_LINE = re.compile(r"^[ \t]*class[ \t]+([A-Za-z_]\w{0,99})")
DECORATOR = "moduleinfo"

Note = tuple[int | None, str, str]  # line, kind, detail


@dataclass(frozen=True)
class ModuleInfo:
    """What one module.py declares. ``found``: a ``@moduleinfo(...)`` call was read."""

    found: bool
    name: str | None = None
    version: str | None = None
    author: str | None = None
    summary: str | None = None
    type: str | None = None
    meta: str | None = None  # dotted name of the class given as meta=
    # The class of the address in author_email (authors.email_class); the address itself is
    # personal data and is never kept.
    email_class: str = "none"
    class_name: str | None = None  # the decorated class
    line: int | None = None  # of the decorator
    notes: tuple[Note, ...] = ()


def parse_module(data: bytes) -> ModuleInfo:
    """Read the ``@moduleinfo`` of one module.py's bytes. Never raises on any input."""
    notes: list[Note] = []
    if len(data) > MAX_MODULE_BYTES:
        return ModuleInfo(
            False, notes=((None, "file-too-large", f"{len(data):,} bytes; not parsed"),)
        )
    if not data.strip():
        return ModuleInfo(False, notes=((None, "empty-file", "no code"),))
    text, repairs = decode_text("", data)
    notes += [(a.line, a.kind, a.detail) for a in repairs]
    try:
        with warnings.catch_warnings():  # e.g. an invalid escape: no concern of the catalogue's
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as exc:  # IndentationError too
        notes.append(
            (exc.lineno, "syntax-error", "not valid Python: the decorator is read on its own")
        )
        return _decorator_alone(text, notes)
    except (RecursionError, MemoryError, ValueError):
        notes.append((None, "too-complex", "nests too deep for Python's parser"))
        return _decorator_alone(text, notes)
    return _from_tree(tree, text, notes)


def _from_tree(tree: ast.Module, text: str, notes: list[Note]) -> ModuleInfo:
    aliases = _aliases(tree)
    found: list[tuple[ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, ast.expr]] = []
    stack: list[list[ast.stmt]] = [tree.body]
    visited = 0
    while stack:
        for stmt in stack.pop():
            visited += 1
            if visited > MAX_STATEMENTS:
                notes.append((None, "too-complex", f"over {MAX_STATEMENTS:,} statements walked"))
                stack.clear()
                break
            if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                found += [(stmt, d) for d in stmt.decorator_list if _is_moduleinfo(d, aliases)]
                if isinstance(stmt, ast.ClassDef):
                    stack.append(stmt.body)
            elif isinstance(stmt, ast.If | ast.For | ast.While | ast.With | ast.Try):
                for part in ("body", "orelse", "finalbody"):
                    stack.append(getattr(stmt, part, []))
                for handler in getattr(stmt, "handlers", []):
                    stack.append(handler.body)
    if not found:
        notes.append((None, "no-moduleinfo", "no class carries @moduleinfo(...)"))
        return ModuleInfo(False, notes=tuple(notes))
    found.sort(key=lambda f: f[1].lineno)
    for other, deco in found[1:]:
        notes.append(
            (deco.lineno, "several-moduleinfo", f"{other.name} also carries it; the first is read")
        )
    target, deco = found[0]
    if not isinstance(target, ast.ClassDef):
        notes.append((deco.lineno, "decorates-function", f"{target.name} is not a class"))
    constants = _module_constants(tree)
    return _read_call(deco, target.name, text, constants, notes)


def _aliases(tree: ast.Module) -> set[str]:
    """Names the decorator goes by in this file: moduleinfo, and any 'import ... as' of it."""
    names = {DECORATOR}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom):
            names.update(a.asname for a in stmt.names if a.name == DECORATOR and a.asname)
    return names


def _is_moduleinfo(deco: ast.expr, aliases: set[str]) -> bool:
    func = deco.func if isinstance(deco, ast.Call) else deco
    if isinstance(func, ast.Name):
        return func.id in aliases
    return isinstance(func, ast.Attribute) and func.attr == DECORATOR


def _module_constants(tree: ast.Module) -> dict[str, tuple[int, ast.expr]]:
    """Module-level ``NAME = <expr>`` bound exactly once: what a name argument may resolve to."""
    seen: dict[str, tuple[int, ast.expr]] = {}
    twice: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                if target.id in seen:
                    twice.add(target.id)
                seen[target.id] = (stmt.lineno, stmt.value)
    return {k: v for k, v in seen.items() if k not in twice}


def _read_call(
    deco: ast.expr,
    class_name: str | None,
    text: str,
    constants: dict[str, tuple[int, ast.expr]],
    notes: list[Note],
) -> ModuleInfo:
    line = deco.lineno
    if not isinstance(deco, ast.Call):
        notes.append((line, "decorator-not-called", "@moduleinfo without arguments"))
        return ModuleInfo(False, class_name=class_name, line=line, notes=tuple(notes))
    given: dict[str, ast.expr] = {}
    for n, arg in enumerate(deco.args):
        if isinstance(arg, ast.Starred) or n >= len(PARAMETERS):
            notes.append((arg.lineno, "non-literal-argument", f"*{_source(text, arg)}"))
            continue
        notes.append((arg.lineno, "positional-argument", f"{PARAMETERS[n]} given by position"))
        given[PARAMETERS[n]] = arg
    for kw in deco.keywords:
        if kw.arg is None:
            notes.append((kw.value.lineno, "non-literal-argument", f"**{_source(text, kw.value)}"))
        elif kw.arg not in PARAMETERS:
            notes.append((kw.value.lineno, "unknown-argument", f"{kw.arg}= is no parameter"))
        elif kw.arg in given:
            notes.append(
                (kw.value.lineno, "duplicate-argument", f"{kw.arg}= given twice; the first read")
            )
        else:
            given[kw.arg] = kw.value
    values: dict[str, str | None] = {}
    for key in (*TEXT_FIELDS, "author_email"):
        node = given.get(key)
        values[key] = None if node is None else _string(key, node, text, constants, notes)
    meta = given.get("meta")
    meta_name = None
    if meta is not None:
        meta_name = _dotted(meta)
        if meta_name is None and not (isinstance(meta, ast.Constant) and meta.value is None):
            notes.append((meta.lineno, "invalid-meta", f"meta={_source(text, meta)}"))
    for key in ("name", "version", "summary", "type"):
        if values[key] is not None and not values[key].strip():
            notes.append((given[key].lineno, "empty-value", f"{key}=''"))
    for key in REQUIRED:
        if key not in given:
            notes.append((line, "missing-argument", f"{key}= is not given"))
    version = values["version"]
    if version is not None and not VERSION.fullmatch(version.strip()):
        notes.append((given["version"].lineno, "invalid-version", f"{version[:60]!r}"))
    return ModuleInfo(
        found=True,
        name=values["name"],
        version=version,
        author=values["author"],
        summary=values["summary"],
        type=values["type"],
        meta=meta_name,
        email_class=email_class(values["author_email"]),
        class_name=class_name,
        line=line,
        notes=tuple(notes),
    )


def _string(
    key: str,
    node: ast.expr,
    text: str,
    constants: dict[str, tuple[int, ast.expr]],
    notes: list[Note],
) -> str | None:
    """The value of one text argument: a string literal as written; anything else is an anomaly,
    folded when it is made of literals only (names bound once at module level to them, '+')."""
    if isinstance(node, ast.Constant):
        if node.value is None:
            return None
        if isinstance(node.value, str):
            return node.value[:MAX_VALUE]
        notes.append(
            (node.lineno, "non-string-argument", f"{key}={_source(text, node)} (kept as text)")
        )
        return str(node.value)[:MAX_VALUE]
    folded = _fold(node, constants, 0)
    where = f"{key}={_source(text, node)}"
    if folded is None:
        notes.append((node.lineno, "non-literal-argument", f"{where}: not read"))
        return None
    notes.append((node.lineno, "non-literal-argument", f"{where}: folded to {folded[:60]!r}"))
    return folded[:MAX_VALUE]


def _fold(node: ast.expr, constants: dict[str, tuple[int, ast.expr]], depth: int) -> str | None:
    if depth > MAX_FOLD_DEPTH:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name) and node.id in constants:
        return _fold(constants[node.id][1], constants, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _fold(node.left, constants, depth + 1)
        right = _fold(node.right, constants, depth + 1) if left is not None else None
        if left is not None and right is not None and len(left) + len(right) <= MAX_VALUE:
            return left + right
    return None


def _dotted(node: ast.expr) -> str | None:
    """'a.b.c' for a name or attribute chain of at most six parts; None otherwise."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute) and len(parts) < 6:
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _source(text: str, node: ast.expr) -> str:
    """The node's source on its first line, at most 60 characters (a detail, never a value)."""
    lines = text.split("\n", node.lineno)
    if node.lineno - 1 >= len(lines):
        return "?"
    line = lines[node.lineno - 1]
    end = node.end_col_offset if node.end_lineno == node.lineno else None
    snippet = line[node.col_offset : end].strip()
    return snippet if len(snippet) <= 60 else snippet[:57] + "..."


def _decorator_alone(text: str, notes: list[Note]) -> ModuleInfo:
    """A file Python cannot parse: find '@moduleinfo(' at the start of a line, cut its call out
    with Python's tokenizer (brackets balanced, strings respected) and parse that alone."""
    lines = text.split("\n")
    for no, line in enumerate(lines, start=1):
        if not DECORATOR_LINE.match(line[:300]):
            continue
        call = _cut_call(lines[no - 1 : no - 1 + MAX_DECORATOR_LINES])
        if call is None:
            notes.append((no, "unreadable-moduleinfo", "its arguments could not be cut out"))
            return ModuleInfo(False, line=no, notes=tuple(notes))
        source, used = call
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expr = ast.parse(source, mode="eval").body
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            notes.append((no, "unreadable-moduleinfo", "its arguments are not valid Python"))
            return ModuleInfo(False, line=no, notes=tuple(notes))
        class_name = next(
            (c.group(1) for rest in lines[no - 1 + used :][:20] if (c := CLASS_LINE.match(rest))),
            None,
        )
        _shift(expr, no - 1)
        return _read_call(expr, class_name, text, {}, notes)
    notes.append((None, "no-moduleinfo", "no line starts with @moduleinfo"))
    return ModuleInfo(False, notes=tuple(notes))


def _cut_call(lines: list[str]) -> tuple[str, int] | None:
    """The decorator's call as the source of one parenthesised expression whose columns are the
    file's ('@' read as '('), and the number of lines it spans; None when its brackets do not
    balance within bounds."""
    at = lines[0].index("@")
    chunk = "\n".join([lines[0][:at] + " " + lines[0][at + 1 :], *lines[1:]])
    if len(chunk) > MAX_DECORATOR_CHARS:
        chunk = chunk[:MAX_DECORATOR_CHARS]
    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(chunk).readline):
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
                if depth == 0:
                    end_line, end_col = tok.end
                    body = chunk.split("\n")[:end_line]
                    body[-1] = body[-1][:end_col] + ")"
                    body[0] = "(" + body[0][1:]  # the blank where "@" (or indentation) was
                    return "\n".join(body), end_line
            elif tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER) and depth == 0:
                return None
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


def _shift(expr: ast.expr, lines: int) -> None:
    """Make the line numbers of a decorator parsed alone those of the file."""
    for node in ast.walk(expr):
        if hasattr(node, "lineno"):
            node.lineno += lines
            node.end_lineno = (node.end_lineno or node.lineno) + lines
