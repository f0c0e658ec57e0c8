"""Copy the seed guides into corpus/, repairing their encoding damage and changing nothing else.

The seeds were UTF-8 text decoded as Windows-1253 (Greek), with the bytes that code page leaves
undefined decoded as Windows-1252: "—" became "β€”" and "📈" became "πŸ“ˆ". Each run of non-ASCII
characters is re-encoded that way and decoded as UTF-8; a run that does not decode is left as it is,
so text that was never damaged ("’", "•", "£") is untouched.

    python scripts/import_seeds.py ../shared/seeds corpus
"""
from __future__ import annotations

import re
import sys
from pathlib import Path


def _byte_of(char: str) -> bytes:
    for codec in ("cp1253", "cp1252"):
        try:
            return char.encode(codec)
        except UnicodeEncodeError:
            continue
    raise UnicodeEncodeError("cp1253+cp1252", char, 0, 1, "not a Windows-1253/1252 character")


def repair(text: str) -> str:
    """Return `text` with Windows-1253/1252 mojibake of UTF-8 turned back into the characters meant."""

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        try:
            return b"".join(_byte_of(c) for c in run).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run

    return re.sub(r"[^\x00-\x7f]{2,}", fix, text)


def slug(title: str) -> str:
    """A readable file name for a guide, from its title."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return re.sub(r"^complete-", "", words)


def main(seeds: Path, corpus: Path) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    for path in sorted(seeds.glob("*.txt")):
        text = repair(path.read_text(encoding="utf-8"))
        title = text.lstrip().splitlines()[0].strip()
        target = corpus / f"{slug(title)}.txt"
        target.write_text(text, encoding="utf-8", newline="")
        print(f"{path.name} -> {target}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
