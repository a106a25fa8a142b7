"""`python -m devtools.screenshot [--out docs/img/dashboard.png]`: the README's picture of the dashboard.

Starts the local stack exactly as `make run` does (`python -m devtools.run`, the demo organisation
with its FY2017) on free ports, with its own data and .local folder (a running `make run` and its
data are left alone), opens the CCXO's overview in Debian's Chromium (Playwright) with the CCXO's
demo token in the tab's sessionStorage, as the demo-user picker leaves it, waits until everything
on the page has loaded, saves the top of the page as a PNG and stops the stack. About two minutes.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from devtools import localstack

OUT = localstack.ROOT / "docs" / "img" / "dashboard.png"
VIEWPORT = {"width": 1280, "height": 900}
CLIP = {"width": 1280, "height": 1560}  # the top of the overview: the totals and the first charts
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def start_make_run(work: Path, seed_year: bool = True) -> tuple[subprocess.Popen, str, Path]:
    """`python -m devtools.run` on free ports, data and .local under `work`; (process, API URL,
    its .local folder) once it serves."""
    local = work / "local"
    local.mkdir()
    port = localstack.free_port()
    env = {**os.environ, "PORT": str(port), "DDB_PORT": str(localstack.free_port()),
           "S3_PORT": str(localstack.free_port()), "OIDC_PORT": str(localstack.free_port()),
           "CXGOV_LOCAL_DATA": str(work / "ddb"), "CXGOV_LOCAL_DIR": str(local),
           "CXGOV_SEED_YEAR": "1" if seed_year else "0"}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    process = subprocess.Popen([sys.executable, "-m", "devtools.run"], cwd=localstack.ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
    deadline = time.monotonic() + 600
    while not any("Serving on" in line for line in list(output)):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError("make run did not serve:\n" + "".join(output[-40:]))
        time.sleep(0.5)
    return process, f"http://127.0.0.1:{port}", local


def stop(process: subprocess.Popen) -> None:
    """As Ctrl-C stops `make run`; everything it started goes with it."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # `make run` stops on it as on Ctrl-C
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def demo_token(local: Path, name: str = "TOKEN_CCXO") -> str:
    for line in (local / "tokens.env").read_text().splitlines():
        if line.startswith(f"export {name}="):
            return line.split("=", 1)[1]
    raise KeyError(name)


def shoot(api: str, token: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{api}/dashboard/static/dashboard.css")  # the origin, to hold the token
            page.evaluate("t => sessionStorage.setItem('cxgov.token', t)", token)
            page.goto(f"{api}/dashboard")
            page.wait_for_selector("body[data-loaded=all]", timeout=120_000)
            page.wait_for_timeout(500)  # the last chart's paint
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True, clip={"x": 0, "y": 0, **CLIP})
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--api", help="a `make run` already serving (its demo year seeded), e.g. http://127.0.0.1:8000")
    parser.add_argument("--local", type=Path, default=localstack.LOCAL, help="its .local folder (tokens.env)")
    args = parser.parse_args(argv)
    if args.api:
        shoot(args.api, demo_token(args.local), args.out)
        print(f"{args.out}: {args.out.stat().st_size // 1024} KB")
        return 0
    with tempfile.TemporaryDirectory(prefix="cxgov-screenshot-") as work:
        print("Starting make run (the demo with its FY2017: about a minute)...", flush=True)
        process, api, local = start_make_run(Path(work))
        try:
            shoot(api, demo_token(local), args.out)
        finally:
            stop(process)
    print(f"{args.out}: {args.out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
