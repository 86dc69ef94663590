"""torch.hub.load calls in a page's fenced code blocks: the models the page offers.

A call's arguments are cut out by a small scanner that respects strings and comments, then read
by Python's own parser (``ast``), never executed. The repository and entrypoint are taken when they
are string literals, positionally or by keyword (``repo_or_dir=``, torch's older ``github=``,
``model=``); an entrypoint held in a variable is resolved from a ``name = "literal"`` assignment
earlier in the page's code. Calls in comments (``# model = torch.hub.load(...)``, the pages' way
of listing variants) count too, flagged.

Positional arguments after the second are passed to the entrypoint: they are kept as written
(``arguments``), and the first of them is the *checkpoint* the call loads when it is a string
literal naming one (``torch.hub.load('huggingface/pytorch-transformers', 'model',
'bert-base-uncased')``), not a local path (``'./test/bert_model/'``, ``'.../model.ckpt.index'``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

# CommonMark fences: a closing fence repeats the opening character at least as many times and
# has no info string ("```python" inside a block does not close it).
OPEN_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CLOSE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*$")
CALL = re.compile(r"\bhub\s*\.\s*load\s*\(")
ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*(['\"])([^'\"\n\\]{1,200})\2")
# GitHub: an owner is 1-39 letters, digits or hyphens; a repository name letters, digits, _ . -
REPO = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9_.-]{1,100})(?::([^\s:]{1,100}))?$")
# A checkpoint argument that is a local file or folder: a path, or a file name's extension.
LOCAL_PATH = re.compile(r"^[./~]|\\|\.(?:json|index|bin|pt|pth|ckpt|h5|pb|onnx|txt|model)$")
MAX_CALLS = 500  # per page
MAX_ARGUMENTS_CHARS = 300  # of the positional arguments after the second, as written
MAX_CALL_CHARS = 4_000  # of one call's arguments

Note = tuple[int | None, str, str]  # line, kind, detail


@dataclass(frozen=True)
class Call:
    line: int  # 1-based line of 'hub.load(' in the file
    commented: bool  # in a Python comment
    repo_or_dir: str | None  # the first argument as written, when a string literal
    owner: str | None  # GitHub owner as written, when repo_or_dir reads as owner/repo[:ref]
    repository: str | None  # owner/repo as written, without the ref
    ref: str | None  # the tag or branch after ':'
    entrypoint: str | None
    entrypoint_source: str | None  # 'literal' or 'variable' (resolved); None when unknown
    keywords: tuple[str, ...]  # other keyword arguments' names, sorted
    arguments: str | None = None  # positional arguments after the second, as Python source
    checkpoint: str | None = None  # the third argument, a string literal naming a checkpoint


@dataclass(frozen=True)
class Block:
    start: int  # 1-based line of the block's first content line
    lines: list[str]


def code_blocks(lines: list[str], first: int = 0) -> tuple[list[Block], list[int]]:
    """Fenced code blocks from ``lines[first:]``, and the 0-based indexes of lines outside them."""
    blocks: list[Block] = []
    outside: list[int] = []
    marker, current = "", None
    for i in range(first, len(lines)):
        if current is None:
            m = OPEN_FENCE.match(lines[i])
            if m and not (m.group(1)[0] == "`" and "`" in lines[i][m.end() :]):
                marker, current = m.group(1), Block(i + 2, [])
            else:
                outside.append(i)
        elif (m := CLOSE_FENCE.match(lines[i])) and m.group(1).startswith(marker):
            blocks.append(current)
            current = None
        else:
            current.lines.append(lines[i])
    if current is not None:  # an unclosed fence runs to the end, as Markdown renders it
        blocks.append(current)
    return blocks, outside


def parse_repo(text: str) -> tuple[str, str, str | None] | None:
    """(owner, owner/repo, ref) of 'owner/repo[:ref]', as written; None for another shape."""
    m = REPO.match(text)
    if not m:
        return None
    return m.group(1), f"{m.group(1)}/{m.group(2)}", m.group(3)


def extract_calls(lines: list[str], first: int = 0) -> tuple[list[Call], list[Note]]:
    """Every torch.hub.load call in the fenced code of ``lines[first:]``, in reading order."""
    blocks, outside = code_blocks(lines, first)
    notes: list[Note] = []
    for i in outside:
        if CALL.search(lines[i]):
            notes.append((i + 1, "call-outside-code", lines[i].strip()[:120]))
    assignments = [
        (block.start + n, m.group(1), m.group(3))
        for block in blocks
        for n, line in enumerate(block.lines)
        if (m := ASSIGN.match(line))
    ]
    calls: list[Call] = []
    for block in blocks:
        text = "\n".join(block.lines)
        for m in CALL.finditer(text):
            if len(calls) >= MAX_CALLS:
                notes.append((None, "too-many-calls", f"calls after the first {MAX_CALLS} ignored"))
                return calls, notes
            line = block.start + text.count("\n", 0, m.start())
            line_start = text.rfind("\n", 0, m.start()) + 1
            commented = "#" in text[line_start : m.start()]
            scope, start = text, m.end()
            if commented:  # the call goes on only in the comment lines that follow
                rest = text[start : start + MAX_CALL_CHARS].split("\n")
                more = [ln.lstrip()[1:] for ln in rest[1:]]
                cut = next(
                    (i for i, ln in enumerate(rest[1:]) if not ln.lstrip().startswith("#")),
                    len(more),
                )
                scope, start = "\n".join([rest[0], *more[:cut]]), 0
            call = _read_call(scope, start, line, commented, assignments, notes)
            if call is not None:
                calls.append(call)
    return calls, notes


def _read_call(
    text: str,
    start: int,
    line: int,
    commented: bool,
    assignments: list[tuple[int, str, str]],
    notes: list[Note],
) -> Call | None:
    args = _arguments(text, start)
    if args is None:
        notes.append((line, "unreadable-call", "no closing parenthesis within the code"))
        return None
    try:
        tree = ast.parse(f"f({args})", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        notes.append((line, "unreadable-call", f"{type(exc).__name__}: {args[:80]!r}"))
        return None
    call = tree.body
    assert isinstance(call, ast.Call)
    positional = list(call.args)
    named = {k.arg: k.value for k in call.keywords if k.arg}
    if "github" in named:
        notes.append((line, "legacy-argument", "'github=' (later 'repo_or_dir=')"))
    repo_node = positional[0] if positional else named.get("repo_or_dir", named.get("github"))
    model_node = positional[1] if len(positional) > 1 else named.get("model")
    if _text(named.get("source")) == "local":
        notes.append((line, "local-source", "source='local'"))

    repo = _text(repo_node)
    owner = repository = ref = None
    if repo is None:
        notes.append((line, "dynamic-repo", f"repository argument {_code(repo_node)!r}"))
    elif (parts := parse_repo(repo)) is None:
        notes.append((line, "invalid-repo", f"{repo[:100]!r}"))
    else:
        owner, repository, ref = parts

    entrypoint, source = _text(model_node), "literal"
    if entrypoint is None:
        source = None
        name = model_node.id if isinstance(model_node, ast.Name) else None
        found = [(n, v) for n, var, v in assignments if var == name and n < line]
        if found:
            entrypoint, source = found[-1][1], "variable"
            detail = f"{name!r} resolved to {entrypoint!r} (line {found[-1][0]})"
        else:
            detail = f"entrypoint argument {_code(model_node)!r} not resolved"
        notes.append((line, "dynamic-entrypoint", detail))
    keywords = tuple(sorted(k for k in named if k not in ("repo_or_dir", "github", "model")))
    extra = positional[2:] if len(positional) > 1 else []
    arguments = ", ".join(_code(a, MAX_ARGUMENTS_CHARS) for a in extra)[:MAX_ARGUMENTS_CHARS]
    checkpoint = _text(extra[0]) if extra else None
    if checkpoint is not None and (not checkpoint.strip() or LOCAL_PATH.search(checkpoint)):
        checkpoint = None
    return Call(
        line, commented, repo, owner, repository, ref, entrypoint, source, keywords[:50],
        arguments or None, checkpoint[:200] if checkpoint else None,
    )  # fmt: skip


def _arguments(text: str, start: int) -> str | None:
    """The text between the '(' before ``start`` and its matching ')', strings and comments
    respected; None when it does not close within MAX_CALL_CHARS."""
    depth, i, quote = 1, start, ""
    end = min(len(text), start + MAX_CALL_CHARS)
    while i < end:
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                i, quote = i + len(quote), ""
                continue
            if c == "\n" and len(quote) == 1:
                return None  # a string left open at the end of its line
        elif c in "'\"":
            quote = text[i : i + 3] if text[i : i + 3] in ("'''", '"""') else c
            i += len(quote)
            continue
        elif c == "#":
            nl = text.find("\n", i)
            i = end if nl < 0 else nl
            continue
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return text[start:i]
        i += 1
    return None


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _code(node: ast.expr | None, limit: int = 80) -> str:
    if node is None:
        return ""
    try:
        return ast.unparse(node)[:limit]
    except (ValueError, RecursionError):
        return type(node).__name__
