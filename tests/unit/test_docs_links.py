"""Every relative link of the README and docs/ leads somewhere: the file exists and, for a link to
a heading (`file.md#heading`, `#heading`), the heading does too (GitHub's anchors)."""
from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*```.*?^\s*```", flags=re.DOTALL | re.MULTILINE)


def anchors(doc: Path) -> set[str]:
    """GitHub's ids of the document's headings: lower case, punctuation dropped, spaces to '-'."""
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", FENCE.sub("", doc.read_text()), flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        n, candidate = 0, slug
        while candidate in found:
            n += 1
            candidate = f"{slug}-{n}"
        found.add(candidate)
    return found


def links(doc: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", doc.read_text()))


def test_every_relative_link_resolves():
    broken = []
    for doc in DOCS:
        for target in links(doc):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            dest = (doc.parent / path).resolve() if path else doc
            where = f"{doc.relative_to(ROOT)}: ({target})"
            if not dest.exists():
                broken.append(f"{where}: no {dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest}")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                broken.append(f"{where}: no heading #{anchor} in {dest.relative_to(ROOT)}")
    assert not broken, "\n".join(broken)


def test_the_checker_sees_links():
    assert links(ROOT / "README.md"), "the README links to the docs"
    assert anchors(ROOT / "README.md")
