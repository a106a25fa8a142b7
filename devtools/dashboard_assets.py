"""Copies the parts of USWDS (npm `@uswds/uswds`, pinned in package.json) that the dashboard uses
from node_modules into chalicelib/reporting/dashboard/uswds/, where the app serves them and `make package`
ships them. Only these files: the compiled CSS and JS, the fonts and icons the pages load (the
browser test fails on any request that 404s, so a missing one shows).

    python -m devtools.dashboard_assets        (run by `make install`)
"""
from __future__ import annotations

import filecmp
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "@uswds" / "uswds" / "dist"
TARGET = ROOT / "chalicelib" / "reporting" / "dashboard" / "uswds"
# Paths under dist/, kept under the same relative paths so the CSS's url(../fonts/...) resolve.
FILES = (
    "css/uswds.min.css",
    "js/uswds.min.js",
    "fonts/source-sans-pro/sourcesanspro-regular-webfont.woff2",
    "fonts/source-sans-pro/sourcesanspro-bold-webfont.woff2",
    "fonts/source-sans-pro/sourcesanspro-italic-webfont.woff2",
    "img/usa-icons/close.svg",  # the mobile menu's close button
    "img/usa-icons/navigate_next.svg",  # breadcrumbs
    "img/usa-icons/arrow_back.svg",  # breadcrumbs on narrow screens
    "img/usa-icons/unfold_more.svg",  # sortable table headers
    "img/usa-icons/check_circle.svg",  # success alert (history verified)
    "img/usa-icons/error.svg",  # error alert (not in scope, a broken chain)
    "img/correct8.svg",  # a checked checkbox: the public survey pages (chalicelib/surveys)
)
# What only the public survey pages load (tests/e2e/test_survey_browser.py checks they do).
SURVEY_ONLY = ("img/correct8.svg",)


def sync() -> list[str]:
    """Copies what is missing or changed and removes what is no longer listed; answers what changed."""
    if not SOURCE.is_dir():
        raise SystemExit(f"{SOURCE} is missing: run `make install` (npm ci) first")
    changed = []
    for rel in FILES:
        src, dst = SOURCE / rel, TARGET / rel
        if not dst.exists() or not filecmp.cmp(src, dst, shallow=False):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            changed.append(rel)
    wanted = {TARGET / rel for rel in FILES}
    for path in sorted(TARGET.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
            changed.append(f"removed {path.relative_to(TARGET)}")
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


if __name__ == "__main__":
    done = sync()
    print(f"dashboard assets: {len(FILES)} USWDS files in {TARGET.relative_to(ROOT)}"
          + (f" ({len(done)} updated)" if done else ""), file=sys.stderr)
