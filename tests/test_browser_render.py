"""The summaries rendered by a real headless Chromium: screenshots show the right regions, print fits one page."""
from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from html import unescape
from pathlib import Path

import pytest

from voice_triage.bodymap import BodyMap, Shape, load_bodymap
from voice_triage.render_html import render_html

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
NAMES = ["emergency", "gp_hip", "self_care"]
WINDOW = (1100, 1700)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars",
         "--force-color-profile=srgb", "--force-device-scale-factor=1"]

Pixel = tuple[int, int, int]


def find_browser() -> str | None:
    """Path of a Chromium-family browser, if one is installed."""
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


BROWSER = find_browser()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="Chromium not found (install Debian `chromium`, e.g. via "
                                                        "./scripts/test, which runs scripts/setup.sh test)")


def chromium(html: Path, work: Path, *args: str) -> None:
    """Run headless Chromium on a local file with a throwaway profile and no network services."""
    profile = work / "profile"
    command = [BROWSER, *FLAGS, f"--user-data-dir={profile}", *args, html.as_uri()]
    subprocess.run(command, capture_output=True, timeout=120, check=True)


def screenshot(html: Path, png: Path, window: tuple[int, int] = WINDOW) -> Path:
    """Screenshot of a page, as a browser shows it."""
    chromium(html, png.parent, f"--screenshot={png}", f"--window-size={window[0]},{window[1]}")
    return png


def decode_png(data: bytes) -> tuple[int, int, list[list[Pixel]]]:
    """Width, height and RGB rows of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        header = body if kind == b"IHDR" else header
        chunks += [body] if kind == b"IDAT" else []
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), f"unsupported PNG: depth {depth}, colour type {colour}"
    return width, height, _unfilter(zlib.decompress(b"".join(chunks)), width, height, 4 if colour == 6 else 3)


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[list[Pixel]]:
    """Undo PNG row filters and keep RGB."""
    stride, rows, prev = width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]) & 0xFF
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return rows


def _paeth(a: int, b: int, c: int) -> int:
    """The PNG Paeth predictor."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def hex_rgb(colour: str) -> Pixel:
    """#rrggbb as a tuple."""
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def near(pixel: Pixel, colour: Pixel, tolerance: int = 6) -> bool:
    return all(abs(p - c) <= tolerance for p, c in zip(pixel, colour))


def find_map(rows: list[list[Pixel]], background: Pixel) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of the body map's background panel in the screenshot."""
    xs, ys = [], []
    for y, row in enumerate(rows):
        hits = [x for x, p in enumerate(row) if p == background]
        if len(hits) > 20:
            xs += [hits[0], hits[-1]]
            ys.append(y)
    assert ys, "body map not found in the screenshot"
    return min(xs), min(ys), max(xs) + 1, ys[-1] + 1


class Shot:
    """A decoded screenshot of one report, with the body map located in it."""

    def __init__(self, png: Path, bodymap: BodyMap) -> None:
        self.width, self.height, self.rows = decode_png(png.read_bytes())
        self.bodymap = bodymap
        self.box = find_map(self.rows, hex_rgb(bodymap.figure["background"]))
        self.scale = (self.box[2] - self.box[0]) / bodymap.width

    def at(self, view: str, x: float, y: float) -> Pixel:
        """The screenshot pixel at a point given in a view's own coordinates."""
        dx, dy = self.bodymap.to_drawing(view, x, y)
        return self.rows[int(self.box[1] + dy * self.scale)][int(self.box[0] + dx * self.scale)]


def every_shape(bodymap: BodyMap) -> list[Shape]:
    return [shape for region in bodymap.regions.values() for shape in region.shapes]


def marked_at(bodymap: BodyMap, report: dict, shape: Shape) -> bool:
    """Whether the report's marked shapes cover this shape's centre (what the screenshot must show)."""
    answers = report.get("answers", {})
    marked = bodymap.marked(answers.get("location", []), answers.get("side"))
    return any(m.view == shape.view and m.contains(*shape.center()) for m in marked)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> dict[str, Shot]:
    work = tmp_path_factory.mktemp("browser")
    result = {}
    for name in NAMES:
        html = work / f"{name}.html"
        html.write_text(render_html(load(name)), encoding="utf-8")
        result[name] = Shot(screenshot(html, work / f"{name}.png"), load_bodymap())
    return result


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_screenshot_is_produced_and_not_blank(shots, name):
    shot = shots[name]
    assert (shot.width, shot.height) == WINDOW
    sample = {p for row in shot.rows[::7] for p in row[::7]}
    assert len(sample) > 40, "the page looks blank"
    dark = sum(1 for row in shot.rows[::5] for p in row[::5] if sum(p) < 200)
    assert dark > 500, "no text to be seen"


@pytest.mark.parametrize("name", NAMES)
def test_body_map_is_drawn_to_scale(shots, name):
    shot = shots[name]
    x0, y0, x1, y1 = shot.box
    assert (y1 - y0) / shot.scale == pytest.approx(shot.bodymap.height, rel=0.02)
    assert shot.scale > 0.5, "body map too small to read"


@pytest.mark.parametrize("name", NAMES)
def test_exactly_the_reported_regions_are_highlighted_on_the_reported_side(shots, name):
    shot, report = shots[name], load(name)
    highlight = hex_rgb(shot.bodymap.figure["highlight"])
    plain = {hex_rgb(shot.bodymap.figure[key]) for key in ("body_fill", "detail_stroke")}
    for shape in every_shape(shot.bodymap):
        pixel = shot.at(shape.view, *shape.center())
        where = f"{name}: {shape.region} ({shape.view}, person's {shape.side}) pixel {pixel}"
        if marked_at(shot.bodymap, report, shape):
            assert near(pixel, highlight), f"{where} should be highlighted"
        else:
            assert not near(pixel, highlight, 40), f"{where} should not be highlighted"
            assert any(near(pixel, c, 40) for c in plain), f"{where} should be inside the unmarked body"


def highlighted(shot: Shot) -> frozenset[tuple[str, str, str]]:
    """Which shapes the screenshot shows highlighted, judged by pixel colour alone."""
    colour = hex_rgb(shot.bodymap.figure["highlight"])
    return frozenset((s.region, s.view, s.side) for s in every_shape(shot.bodymap)
                     if near(shot.at(s.view, *s.center()), colour))


def test_highlighted_regions_differ_between_reports(shots):
    seen = {name: highlighted(shot) for name, shot in shots.items()}
    assert seen["emergency"] == frozenset(), "the emergency ended before the location was asked"
    assert ("groin", "front", "right") in seen["gp_hip"] and ("groin", "front", "left") not in seen["gp_hip"]
    assert seen["self_care"] == {("lower_back", "back", "middle")}
    assert len(set(seen.values())) == len(NAMES)


def pdf_pages(pdf: bytes) -> int:
    """Number of pages in a PDF written by Chromium."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.parametrize("name", NAMES + ["long", "cited", "own words"])
def test_prints_on_one_page(tmp_path, name, paper, make_dialog):
    report = load("gp_hip" if name in ("long", "cited", "own words") else name)
    if name == "cited":  # a report made now, every advice line marked with its source
        from test_advice_sources import CASES
        from test_dialog import answer_all
        report = answer_all(make_dialog(), CASES["gp"])
        assert len(report["advice_cited"]) > 20
    if name == "own words":  # warning signs answered in sentences, each on its own line under the question
        report = with_own_words(report)
        report["advice_sections"]["self_care"] *= 2
    if name == "long":  # much more advice than today's content: the print scale must still fit it
        report["advice_sections"]["self_care"] *= 3
    html, pdf = tmp_path / "page.html", tmp_path / "page.pdf"
    page = render_html(report).replace("</head>", f"<style>@page {{ size: {paper}; }}</style></head>", 1)
    html.write_text(page, encoding="utf-8")
    chromium(html, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert pdf_pages(pdf.read_bytes()) == 1


# The page has no scripts; these tests add one to a copy, to read the layout the browser made. With `print`, the
# print rules are made to apply on screen, at the width of an A4 page inside its margins.
MEASURE = """<script>
if (PRINT) for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
  if (rule.media && rule.media.mediaText === "print") rule.media.mediaText = "all";
const out = [], inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
  && r.bottom <= box.bottom + 1;
for (const row of document.querySelectorAll(".flag")) {
  const rowBox = row.getBoundingClientRect();
  for (const part of row.children) {
    const box = part.getBoundingClientRect(), range = document.createRange();
    range.selectNodeContents(part);
    const lines = [...range.getClientRects()].filter(r => r.width > 0);
    const shown = lines.every(r => inside(r, box) && inside(r, rowBox));
    out.push({cls: part.className, text: part.textContent, shown: shown && part.scrollWidth <= part.clientWidth,
              lines: new Set(lines.map(r => Math.round(r.top))).size, left: Math.round(box.left),
              width: Math.round(box.width)});
  }
}
const pre = document.createElement("pre");
pre.id = "measured";
pre.textContent = JSON.stringify(out);
document.body.append(pre);
</script>"""

LONG_WORDS = {  # answers in a sentence, the way people give them; one word longer than any column
    "rf_cancer": ("yes", "yes I had breast cancer in 2015 and they said it had not spread, then a lump in 2019 that "
                         "was removed"),
    "rf_bone_fragility": ("unsure", "I think so, the doctor said something about my bones being thin after the scan"),
    "rf_fever": ("unknown", "hot then cold then hot again all night, supercalifragilisticexpialidociousness"),
    "rf_weight_loss": ("yes", "yes"),  # a bare answer: no words shown
}


def with_own_words(report: dict) -> dict:
    """A report in which several warning signs were answered in a sentence (yes, not sure, never understood)."""
    report = json.loads(json.dumps(report))
    for item in report["red_flag_answers"]:
        if item["id"] in LONG_WORDS:
            item["answer"] = LONG_WORDS[item["id"]][0]
    report["transcript"] += [{"question": qid, "heard": heard, "understood": answer, "confidence": 1.0}
                             for qid, (answer, heard) in LONG_WORDS.items()]
    return report


def measure(tmp_path: Path, report: dict, width: int, print_: bool) -> list[dict]:
    """Each part of each warning-sign row: its class, text, whether all its text is shown inside its own box and
    its row, how many lines it takes, and where it is."""
    page = render_html(report).replace("</body>", MEASURE.replace("PRINT", "true" if print_ else "false")
                                       + "</body>", 1)
    html = tmp_path / "measure.html"
    html.write_text(page, encoding="utf-8")
    profile = tmp_path / "profile"
    done = subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},1400",
                           "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert found, "the measuring script did not run"
    return json.loads(unescape(found.group(1)))


@pytest.mark.parametrize("print_, width", [(False, WINDOW[0]), (False, 700), (True, 726)])
def test_a_warning_signs_own_words_are_shown_whole(tmp_path, print_, width):
    """A yes said in a sentence showed 'Yes: “I thi' and the rest ran off the badge (clinician review, stop 36)."""
    parts = measure(tmp_path, with_own_words(load("gp_hip")), width, print_)
    hidden = [(p["cls"], p["text"]) for p in parts if not p["shown"]]
    assert not hidden, f"text not shown whole: {hidden}"
    said = {p["text"] for p in parts if "said" in p["cls"].split()}
    assert said == {f"“{heard}”" for answer, heard in LONG_WORDS.values() if heard != "yes"}
    assert any(p["lines"] > 1 for p in parts if "said" in p["cls"].split()), "long words should wrap"


@pytest.mark.parametrize("name", ["emergency", "own words"])
@pytest.mark.parametrize("print_, width", [(False, WINDOW[0]), (True, 726)])
def test_answer_badges_stay_one_tidy_column(tmp_path, print_, width, name):
    """Every answer badge, the person's words or not, sits at the same place and width; a short answer takes one
    line, and a longer one wraps only between its words."""
    report = with_own_words(load("gp_hip")) if name == "own words" else load(name)
    parts = [p for p in measure(tmp_path, report, width, print_) if "ans" in p["cls"].split()]
    assert len({p["width"] for p in parts}) == 1 and len({p["left"] for p in parts}) == 2, "one column each side"
    assert all(p["shown"] and p["lines"] <= len(p["text"].split()) for p in parts)
    assert all(p["lines"] == 1 for p in parts if p["text"] in ("Yes", "No", "Not sure", "Not asked"))
    assert {"Yes", "Not asked"} & {p["text"] for p in parts}
