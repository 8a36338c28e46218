"""The demo site is readable everywhere: axe-core in headless Chromium (light and dark palette), the
Nu HTML checker, and no incident page wider than a 360 px phone.

axe-core and the Nu HTML checker (``vnu.jar``) are pinned npm packages, installed by the first run
into pytest's cache folder (``.pytest_cache/``, inside the repository); the tests skip, saying why,
when npm, Java or Chromium is missing (``.ci/run`` installs them).

Only what statuskit's markup causes fails a test. What Material for MkDocs' own markup causes is
listed in MATERIAL_AXE and MATERIAL_NU (and in reference/outputs.md), and left alone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from sitetools import REPO

sys.path.insert(0, str(REPO / "bench"))

from _browser import Browser, find_chromium, serve  # noqa: E402

AXE_CORE = "axe-core@4.11.4"
VNU_JAR = "vnu-jar@26.9.27"

PAGES = {
    "home": "",
    "history": "history/",
    "incident": "incidents/2026-11-24-ransomware-scheduling/",
    "maintenance": "incidents/2026-12-05-scheduling-network-maintenance/",
    "technical": "incidents/2026-11-24-ransomware-scheduling/technical/",
    "technical (indicators)": "incidents/2026-08-21-ddos-website-partner-api/technical/",
    "component": "components/scheduling/",
}

MATERIAL_AXE = {
    # Material's search is a role="dialog" without a name (partials/search.html)
    "aria-dialog-name": (".md-search",),
}
"""axe rule -> selectors of Material's own elements it flags (every flagged node must start with one)."""

MATERIAL_NU = (
    # Material's drawer and search toggles: <input type="checkbox" autocomplete="off">
    ("Attribute “autocomplete” is only allowed when the input type is", 'class="md-toggle"'),
)
"""(message start, text of the flagged markup) of what the Nu checker reports in Material's markup."""

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed")


@pytest.fixture(scope="session")
def node_modules(request, tmp_path_factory):
    """axe-core and vnu-jar, pinned, from npm (once, into pytest's cache folder)."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (apt-get install npm; .ci/run installs it)")
    cache = getattr(request.config, "cache", None)
    name = f"statuskit-a11y-{AXE_CORE}-{VNU_JAR}".replace("@", "-")
    root = cache.mkdir(name) if cache is not None else tmp_path_factory.mktemp(name)
    modules = root / "node_modules"
    done = root / "installed"
    if not done.exists():
        run = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts",
                              "--prefix", str(root), AXE_CORE, VNU_JAR],
                             capture_output=True, text=True, timeout=600, check=False)
        if run.returncode != 0:
            pytest.skip(f"npm install {AXE_CORE} {VNU_JAR} failed: {run.stderr.strip()[-400:]}")
        done.write_text("\n".join((AXE_CORE, VNU_JAR)) + "\n", encoding="utf-8")
    return modules


@pytest.fixture(scope="module")
def site_url(demo_site):
    with serve(demo_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if find_chromium() is None:
        pytest.skip("no Chromium installed")
    with Browser() as b:
        yield b


# --- axe-core -----------------------------------------------------------------------------------

def _material(rule: str, targets: list[str]) -> bool:
    allowed = MATERIAL_AXE.get(rule, ())
    return bool(allowed) and all(t.startswith(allowed) for t in targets)


def axe_violations(browser, axe_js: str, url: str, scheme: str) -> list[dict]:
    """axe-core's violations on ``url`` with the palette ``scheme`` (``default`` or ``slate``), chosen
    as a reader's system would: prefers-color-scheme, which the demo's palette follows."""
    media = "dark" if scheme == "slate" else "light"
    # Material remembers the palette (localStorage), and an open page saves it again: leave the site,
    # forget it, then change the system's preference
    browser.open("about:blank", settle=0)
    browser.call("Storage.clearDataForOrigin", origin=url.split("/", 3)[0] + "//" + url.split("/", 3)[2],
                 storageTypes="local_storage", session=True)
    browser.call("Emulation.setEmulatedMedia", session=True,
                 features=[{"name": "prefers-color-scheme", "value": media}])
    browser.open(url, settle=0.5)
    for _ in range(40):  # Material's script picks the palette once it has loaded (a busy machine: later)
        if browser.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme:
            break
        browser.pump(0.25)
    assert browser.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
    browser.pump(0.5)  # and its colours have finished their transition
    browser.evaluate(axe_js + "\n;0")
    passed, violations = browser.evaluate(
        "axe.run(document).then(r => [r.passes.length, r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200)}))}))])")
    assert passed > 20, "axe did not check the page"
    return violations


@needs_chromium
@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_nothing_in_statuskits_markup(browser, site_url, node_modules, page, scheme):
    axe_js = (node_modules / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    found = axe_violations(browser, axe_js, site_url + PAGES[page], scheme)
    ours = [v for v in found if not _material(v["id"], [n["target"] for n in v["nodes"]])]
    assert ours == [], json.dumps(ours, indent=1)


# --- Nu HTML checker ----------------------------------------------------------------------------

def _material_nu(message: dict) -> bool:
    return any(message.get("message", "").startswith(start) and markup in message.get("extract", "")
               for start, markup in MATERIAL_NU)


def test_nu_html_checker_finds_nothing_in_statuskits_markup(demo_site, node_modules):
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless; .ci/run installs it)")
    files = [str(demo_site / path / "index.html") for path in PAGES.values()]
    files.append(str(demo_site / "404.html"))
    run = subprocess.run([java, "-jar", str(node_modules / "vnu-jar" / "build" / "dist" / "vnu.jar"),
                          "--format", "json", *files], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode in (0, 1), run.stderr[-500:]  # 1: it found something
    messages = json.loads(run.stderr or run.stdout)["messages"]
    ours = [{k: m.get(k) for k in ("type", "subType", "url", "lastLine", "message", "extract")}
            for m in messages if not _material_nu(m)]
    assert ours == [], json.dumps(ours, indent=1, ensure_ascii=False)


# --- a 360 px phone -----------------------------------------------------------------------------

WIDER_THAN_VIEWPORT = """(() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll('.md-main *')) {
    if (e.closest('.sk-sr')) continue;                       // visually hidden text
    let scrolls = false;                                      // inside its own scroll box: fine
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') { scrolls = true; break; }
    }
    const r = e.getBoundingClientRect();
    if (!scrolls && r.width > 0 && r.right > width + 0.5)
      out.push(e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' right=' + Math.round(r.right));
  }
  return [width, out.slice(0, 10)];
})()"""


@needs_chromium
def test_no_incident_page_is_wider_than_a_360px_phone(browser, site_url, demo_site):
    pages = sorted(p.parent.relative_to(demo_site).as_posix() + "/" for p in demo_site.glob("incidents/**/index.html"))
    assert len(pages) >= 10
    browser.call("Emulation.setDeviceMetricsOverride", width=360, height=740, deviceScaleFactor=1, mobile=True,
                 session=True)
    try:
        wide = {}
        for page in pages:
            browser.open(site_url + page, settle=0.2)
            width, out = browser.evaluate(WIDER_THAN_VIEWPORT)
            assert width == 360
            if out:
                wide[page] = out
        assert wide == {}
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride", session=True)


LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung"
"""A word no line can hold at 360 px (a German compound; an address or a hash does the same). It goes
into every text but the status words (statuskit's own short vocabulary, kept on one line with their icon)."""


@needs_chromium
@pytest.mark.parametrize("page", ["incidents/2026-11-24-ransomware-scheduling/",
                                  "incidents/2026-08-21-ddos-website-partner-api/technical/", ""])
def test_a_long_word_in_any_text_does_not_widen_a_360px_page(browser, site_url, page):
    browser.call("Emulation.setDeviceMetricsOverride", width=360, height=740, deviceScaleFactor=1, mobile=True,
                 session=True)
    try:
        browser.open(site_url + page, settle=0.2)
        grown = browser.evaluate(
            "(() => { let n = 0; document.querySelectorAll('.statuskit :is(h1, h2, h3, p, li, td, dt, dd, a, span)')"
            ".forEach(e => { if (e.children.length === 0 && e.textContent.trim() && !e.closest('.sk-status')) {"
            f" e.textContent = '{LONG_WORD} ' + e.textContent; n++; }} }}); return n; }})()")
        assert grown > 10
        width, out = browser.evaluate(WIDER_THAN_VIEWPORT)
        assert (width, out) == (360, [])
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride", session=True)
