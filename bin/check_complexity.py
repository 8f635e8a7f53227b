"""`make lint`: no function above radon's rank C (cyclomatic complexity over 20) without a comment saying why.

The reason is a comment line directly above the `def` (or above its decorators) that starts with `# Complexity:`.
Tests and migrations are left out. Exit 1, listing each function, when one is missing its reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_rank, cc_visit
from radon.visitors import Function

LIMIT = 20  # rank C ends at 20; D starts at 21
MARK = "# Complexity:"


def functions(blocks: list) -> list[Function]:
    out = []
    for block in blocks:
        if isinstance(block, Function):
            out.append(block)
            out.extend(functions(block.closures))
        else:  # a class: its methods (and their closures)
            out.extend(functions(block.methods))
            out.extend(functions(getattr(block, "inner_classes", [])))
    return out


def reason_above(lines: list[str], lineno: int) -> bool:
    i = lineno - 2  # the line above the def (0-based)
    while i >= 0 and lines[i].lstrip().startswith("@"):
        i -= 1
    while i >= 0 and lines[i].lstrip().startswith("#"):
        if lines[i].lstrip().startswith(MARK):
            return True
        i -= 1
    return False


def main(root: str = "baton") -> int:
    missing = []
    counted = 0
    seen: set[tuple[Path, int]] = set()
    for path in sorted(Path(root).rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text()
        lines = source.splitlines()
        for fn in functions(cc_visit(source)):
            if fn.complexity <= LIMIT or (path, fn.lineno) in seen:
                continue
            seen.add((path, fn.lineno))
            counted += 1
            if not reason_above(lines, fn.lineno):
                missing.append(
                    f"{path}:{fn.lineno} {fn.fullname} complexity {fn.complexity} ({cc_rank(fn.complexity)})"
                )
    for line in missing:
        print(line)
    if missing:
        print(f"{len(missing)} function(s) above rank C without a '{MARK} why' comment above the def.")
        return 1
    print(f"complexity: {counted} function(s) above rank C, each with its reason.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
