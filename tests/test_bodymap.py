"""Body map: every location the dialog can record has a shape, sides are mirrored right, bad data is named."""
from __future__ import annotations

import copy
import math
import re
import tomllib
from pathlib import Path

import pytest

from voice_triage.bodymap import (DEFAULT_PATH, LOCATION_IDS, BodyMap, BodyMapError, Shape, load_bodymap,
                                  render_svg, side_labels)

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "voice_triage" / "content" / "questions.toml"
REPORT_FORMAT = ROOT / "docs" / "report-format.md"


def dialog_location_ids() -> list[str]:
    """The location option ids of the dialog's `location` question (questions.toml)."""
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    question = next(q for q in data["question"] if q["id"] == "location")
    return [option["id"] for option in question["option"]]


def documented_location_ids() -> list[str]:
    """The location ids listed in the report format."""
    line = next(l for l in REPORT_FORMAT.read_text(encoding="utf-8").splitlines() if "Location ids:" in l)
    return re.findall(r"`([a-z_]+)`", line)


@pytest.fixture(scope="module")
def bodymap() -> BodyMap:
    return load_bodymap()


@pytest.fixture
def raw() -> dict:
    return tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_every_location_the_dialog_can_record_has_a_shape_on_both_sides(bodymap):
    ids = dialog_location_ids()
    assert ids, "questions.toml has no location options"
    for location in ids:
        assert location in bodymap.regions, f"location {location!r} has no body-map region"
        sides = {shape.side for shape in bodymap.regions[location].shapes}
        assert {"left", "right"} <= sides, f"{location} lacks a left or right shape"


def test_documented_location_ids_match_the_body_map(bodymap):
    assert set(documented_location_ids()) == set(LOCATION_IDS) == set(bodymap.regions)


@pytest.mark.parametrize("view, viewer_left", [("front", "right"), ("back", "left")])
def test_the_persons_sides_are_placed_as_seen_in_each_view(bodymap, view, viewer_left):
    middle = float(bodymap.figure["width"]) / 2
    shapes = [s for r in bodymap.regions.values() for s in r.shapes if s.view == view and s.side != "middle"]
    assert shapes
    for shape in shapes:
        on_viewer_left = shape.center()[0] < middle
        assert on_viewer_left == (shape.side == viewer_left), (shape.region, view, shape.side)
    assert side_labels(view)[0] == viewer_left[0].upper()


@pytest.mark.parametrize("side, expected", [
    ("left", {"left"}), ("right", {"right"}), ("both", {"left", "right"}), ("middle", {"middle"}),
    (None, {"left", "right"}), ("unknown", {"left", "right"}),
])
def test_lower_back_shapes_follow_the_side_answer(bodymap, side, expected):
    assert {s.side for s in bodymap.shapes_for("lower_back", side)} == expected


def test_middle_side_marks_both_sides_where_a_region_has_no_midline_shape(bodymap):
    assert {s.side for s in bodymap.shapes_for("groin", "middle")} == {"left", "right"}


def test_unknown_location_marks_nothing(bodymap):
    assert bodymap.marked(["elbow"], "left") == []


def test_every_shape_lies_inside_the_figure_box(bodymap):
    width, height = float(bodymap.figure["width"]), float(bodymap.figure["height"])
    for region in bodymap.regions.values():
        for shape in region.shapes:
            x0, y0, x1, y1 = shape.bbox()
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, (region.id, shape)


@pytest.mark.parametrize("angle", [0, 30, 52, 90, -40])
def test_rotated_ellipse_box_and_containment_agree(angle):
    shape = Shape("groin", "front", "right", (50.0, 60.0, 14.0, 6.0), float(angle))
    x0, y0, x1, y1 = shape.bbox()
    assert shape.contains(50, 60) and not shape.contains(x0 - 0.5, 60) and not shape.contains(50, y1 + 0.5)
    # The box is tight: some boundary point touches each edge.
    a = math.radians(angle)
    xs = [50 + 14 * math.cos(t) * math.cos(a) - 6 * math.sin(t) * math.sin(a) for t in
          [i * math.pi / 720 for i in range(1440)]]
    assert min(xs) == pytest.approx(x0, abs=0.01) and max(xs) == pytest.approx(x1, abs=0.01)


def test_polygon_containment():
    shape = Shape("foot", "front", "right", None, 0.0, ((0, 0), (10, 0), (10, 10), (0, 10)))
    assert shape.contains(5, 5) and not shape.contains(11, 5)
    assert shape.bbox() == (0, 0, 10, 10)


def test_svg_marks_exactly_the_reported_shapes(bodymap):
    svg = render_svg(["groin", "buttock"], "right", bodymap)
    assert svg.count('class="bm-mark"') == len(bodymap.marked(["groin", "buttock"], "right")) == 2
    assert "bm-unsure" not in svg and "<script" not in svg


def test_svg_without_locations_marks_nothing_and_unknown_side_is_drawn_as_unsure(bodymap):
    assert "bm-mark" not in render_svg([], "left", bodymap)
    unsure = render_svg(["foot"], None, bodymap)
    assert unsure.count("bm-unsure") == 4  # front and back, both sides


def test_svg_caption_is_escaped(bodymap):
    svg = render_svg([], None, bodymap, caption='<script>alert("x")</script>')
    assert "<script" not in svg and "&lt;script&gt;" in svg


def _without(data: dict, *path: str) -> dict:
    """A copy of the data with one key removed."""
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key] if not key.isdigit() else node[int(key)]
    del node[path[-1]]
    return data


def _with(data: dict, value, *path: str) -> dict:
    """A copy of the data with one key set."""
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key] if not key.isdigit() else node[int(key)]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize("change, message", [
    (lambda d: _with(d, {"shape": d["region"]["foot"]["shape"]}, "region", "elbow"),
     "region.elbow: unknown region"),
    (lambda d: _without(d, "region", "foot"), "region.foot: missing key"),
    (lambda d: _with(d, "Groin", "region", "groin", "label"), "region.groin.label: unknown key"),
    (lambda d: _without(d, "region", "groin", "shape", "0", "view"), "region.groin.shape[0].view: missing key"),
    (lambda d: _with(d, "side", "region", "groin", "shape", "0", "view"), "region.groin.shape[0].view: unknown view"),
    (lambda d: _with(d, [1, 2, 3], "region", "groin", "shape", "0", "ellipse"), "region.groin.shape[0].ellipse"),
    (lambda d: _with(d, [150, 238, 14, 6], "region", "groin", "shape", "0", "ellipse"),
     "region.groin.shape[0]: draw shapes on the viewer's left half"),
    (lambda d: _with(d, [[1, 2]], "region", "groin", "shape", "0", "polygon"), "region.groin.shape[0]: needs exactly one"),
    (lambda d: _with(d, "x", "region", "groin", "shape", "0", "colour"), "region.groin.shape[0].colour: unknown key"),
    (lambda d: _without(d, "figure", "highlight"), "figure.highlight: missing key"),
    (lambda d: _with(d, "wide", "figure", "width"), "figure.width: wrong type"),
    (lambda d: _without(d, "view", "back"), "view.back: missing key"),
    (lambda d: _with(d, [], "view", "front", "outline"), "view.front.outline: empty"),
])
def test_bad_data_is_reported_with_file_and_key(raw, change, message):
    with pytest.raises(BodyMapError) as error:
        BodyMap.from_dict(change(raw), "bodymap.toml")
    assert str(error.value).startswith("bodymap.toml: ") and message in str(error.value)


def test_unreadable_file_names_the_file(tmp_path):
    bad = tmp_path / "bodymap.toml"
    bad.write_text("[figure\n", encoding="utf-8")
    with pytest.raises(BodyMapError, match=r"^bodymap\.toml: cannot read"):
        BodyMap.from_file(bad)


def test_the_shipped_file_loads(raw):
    assert BodyMap.from_dict(raw).regions.keys() == set(LOCATION_IDS)


def test_svg_is_labelled_by_its_caption_or_hidden_from_screen_readers(bodymap):
    labelled = render_svg(["groin"], "left", bodymap, caption="Body map: groin")
    assert 'role="img" aria-label="Body map: groin"><title>Body map: groin</title>' in labelled
    bare = render_svg(["groin"], "left", bodymap)
    assert 'aria-hidden="true"' in bare and "<title>" not in bare and "aria-label" not in bare
