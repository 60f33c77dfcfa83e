"""Body map drawn from data: front and back outlines and one shape per pain location (content/bodymap.toml)."""
from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, Iterable

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).parent / "content" / "bodymap.toml"

# The location option ids of the dialog, as fixed by docs/report-format.md.
LOCATION_IDS = ("lower_back", "buttock", "groin", "front_thigh", "outer_hip", "back_thigh", "below_knee", "foot")
VIEWS = ("front", "back")
SIDES = ("left", "right", "both", "middle")

# Space around the two figures in the combined drawing, in figure units.
TOP = 30.0
MARGIN = 6.0
BOTTOM = 8.0

FIGURE_KEYS = {
    "width": (int, float), "height": (int, float), "gap": (int, float), "background": str, "body_fill": str,
    "body_stroke": str, "detail_stroke": str, "highlight": str, "highlight_stroke": str, "unsure_fill": str,
    "side_label_y": (int, float),
}
VIEW_KEYS = {"title": str, "outline": list, "details": list}
REGION_KEYS = {"shape": list}
SHAPE_KEYS = {"view": str, "ellipse": list, "polygon": list, "angle": (int, float), "middle": bool}


class BodyMapError(ValueError):
    """The body-map data file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class Shape:
    """One drawn area of a region, in its view's own coordinates, for one of the person's sides."""

    region: str
    view: str
    side: str
    ellipse: tuple[float, float, float, float] | None = None
    angle: float = 0.0
    points: tuple[tuple[float, float], ...] = ()

    def bbox(self) -> tuple[float, float, float, float]:
        """Bounding box (x0, y0, x1, y1) in view coordinates."""
        if self.ellipse is None:
            xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
            return min(xs), min(ys), max(xs), max(ys)
        cx, cy, rx, ry = self.ellipse
        a = math.radians(self.angle)
        hw = math.hypot(rx * math.cos(a), ry * math.sin(a))
        hh = math.hypot(rx * math.sin(a), ry * math.cos(a))
        return cx - hw, cy - hh, cx + hw, cy + hh

    def center(self) -> tuple[float, float]:
        """Centre of the bounding box, in view coordinates."""
        x0, y0, x1, y1 = self.bbox()
        return (x0 + x1) / 2, (y0 + y1) / 2

    def contains(self, x: float, y: float) -> bool:
        """True when the point (view coordinates) lies inside the shape."""
        if self.ellipse is None:
            return _in_polygon(x, y, self.points)
        cx, cy, rx, ry = self.ellipse
        a = math.radians(-self.angle)  # undo the rotation, then test the axis-aligned ellipse
        dx, dy = x - cx, y - cy
        u, v = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
        return (u / rx) ** 2 + (v / ry) ** 2 <= 1

    def mirrored(self, width: float, side: str) -> Shape:
        """The same shape reflected about the figure's midline, for the other side."""
        ellipse = None
        if self.ellipse is not None:
            cx, cy, rx, ry = self.ellipse
            ellipse = (width - cx, cy, rx, ry)
        points = tuple((width - x, y) for x, y in self.points)
        return Shape(self.region, self.view, side, ellipse, -self.angle, points)

    def svg(self, dx: float, dy: float, attrs: str) -> str:
        """SVG element for this shape, shifted by (dx, dy) into the combined drawing."""
        if self.ellipse is None:
            pts = " ".join(f"{_num(x + dx)},{_num(y + dy)}" for x, y in self.points)
            return f'<polygon points="{pts}" {attrs}/>'
        cx, cy, rx, ry = self.ellipse
        turn = f' transform="rotate({_num(self.angle)} {_num(cx + dx)} {_num(cy + dy)})"' if self.angle else ""
        return (f'<ellipse cx="{_num(cx + dx)}" cy="{_num(cy + dy)}" rx="{_num(rx)}" ry="{_num(ry)}"'
                f'{turn} {attrs}/>')


@dataclass(frozen=True)
class View:
    """One figure: its title, outline paths and faint detail lines."""

    id: str
    title: str
    outline: tuple[str, ...]
    details: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    """A pain location (a location option id) and its shapes for every side."""

    id: str
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class BodyMap:
    """The whole body map: figure settings, the two views and every region."""

    figure: dict[str, Any]
    views: dict[str, View]
    regions: dict[str, Region]

    @classmethod
    def from_file(cls, path: Path) -> BodyMap:
        """Load and validate a body-map TOML file."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise BodyMapError(f"{Path(path).name}: cannot read: {exc}") from exc
        return cls.from_dict(data, Path(path).name)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "bodymap.toml") -> BodyMap:
        """Build a body map from parsed data, raising BodyMapError naming `source` and the key."""
        _check_keys(data, {"figure": dict, "view": dict, "region": dict}, source, "")
        figure = _check_keys(data["figure"], FIGURE_KEYS, source, "figure")
        views = {v: _view(data["view"], v, source) for v in VIEWS}
        unknown = sorted(set(data["view"]) - set(VIEWS))
        if unknown:
            raise BodyMapError(f"{source}: view.{unknown[0]}: unknown view (known: {', '.join(VIEWS)})")
        return cls(figure, views, _regions(data["region"], float(figure["width"]), source))

    @property
    def width(self) -> float:
        """Width of the combined drawing (both figures)."""
        return 2 * MARGIN + 2 * float(self.figure["width"]) + float(self.figure["gap"])

    @property
    def height(self) -> float:
        """Height of the combined drawing."""
        return TOP + float(self.figure["height"]) + BOTTOM

    def origin(self, view: str) -> tuple[float, float]:
        """Where a view's figure box starts in the combined drawing."""
        step = float(self.figure["width"]) + float(self.figure["gap"])
        return MARGIN + VIEWS.index(view) * step, TOP

    def to_drawing(self, view: str, x: float, y: float) -> tuple[float, float]:
        """A point in a view's coordinates, in the combined drawing's coordinates."""
        dx, dy = self.origin(view)
        return x + dx, y + dy

    def shapes_for(self, region: str, side: str | None) -> list[Shape]:
        """The shapes that mark `region` for the given side answer (unknown side: both sides)."""
        shapes = self.regions[region].shapes if region in self.regions else ()
        if side == "middle" and any(s.side == "middle" for s in shapes):
            return [s for s in shapes if s.side == "middle"]
        wanted = {side} if side in ("left", "right") else {"left", "right"}
        return [s for s in shapes if s.side in wanted]

    def marked(self, locations: Iterable[str], side: str | None) -> list[Shape]:
        """Every shape to highlight for the reported locations and side."""
        return [shape for loc in locations for shape in self.shapes_for(loc, side)]


def _in_polygon(x: float, y: float, points: tuple[tuple[float, float], ...]) -> bool:
    """Even-odd rule point-in-polygon test."""
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _num(value: float) -> str:
    """Short decimal text for SVG coordinates."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _check_keys(table: Any, spec: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    """Check a table's keys and value types against `spec`; every key is required unless optional."""
    if not isinstance(table, dict):
        raise BodyMapError(f"{source}: {where or 'top level'}: expected a table")
    optional = {"ellipse", "polygon", "angle", "middle"}
    for key in table:
        if key not in spec:
            raise BodyMapError(f"{source}: {_join(where, key)}: unknown key")
    for key, kind in spec.items():
        if key not in table:
            if key in optional:
                continue
            raise BodyMapError(f"{source}: {_join(where, key)}: missing key")
        if not isinstance(table[key], kind) or (kind != bool and isinstance(table[key], bool)):
            raise BodyMapError(f"{source}: {_join(where, key)}: wrong type {type(table[key]).__name__}")
    return table


def _join(where: str, key: str) -> str:
    """Dotted key path for error messages."""
    return f"{where}.{key}" if where else key


def _view(views: dict[str, Any], view: str, source: str) -> View:
    """Validate and build one view."""
    if view not in views:
        raise BodyMapError(f"{source}: view.{view}: missing key")
    table = _check_keys(views[view], VIEW_KEYS, source, f"view.{view}")
    for key in ("outline", "details"):
        if not all(isinstance(d, str) and d.strip() for d in table[key]):
            raise BodyMapError(f"{source}: view.{view}.{key}: expected a list of SVG path strings")
    if not table["outline"]:
        raise BodyMapError(f"{source}: view.{view}.outline: empty")
    return View(view, table["title"], tuple(table["outline"]), tuple(table["details"]))


def _regions(table: dict[str, Any], width: float, source: str) -> dict[str, Region]:
    """Validate every region: known ids only, and every location id present."""
    for rid in table:
        if rid not in LOCATION_IDS:
            raise BodyMapError(f"{source}: region.{rid}: unknown region (known: {', '.join(LOCATION_IDS)})")
    for rid in LOCATION_IDS:
        if rid not in table:
            raise BodyMapError(f"{source}: region.{rid}: missing key")
    return {rid: _region(rid, table[rid], width, source) for rid in LOCATION_IDS}


def _region(rid: str, table: Any, width: float, source: str) -> Region:
    """Validate one region and expand its shapes into the person's left, right and middle."""
    where = f"region.{rid}"
    _check_keys(table, REGION_KEYS, source, where)
    if not table["shape"]:
        raise BodyMapError(f"{source}: {where}.shape: no shapes")
    shapes: list[Shape] = []
    for i, raw in enumerate(table["shape"]):
        shapes.extend(_shape(rid, raw, width, source, f"{where}.shape[{i}]"))
    return Region(rid, tuple(shapes))


def _shape(rid: str, raw: Any, width: float, source: str, where: str) -> list[Shape]:
    """One data shape: a middle shape, or a viewer-left shape and its mirror image."""
    _check_keys(raw, SHAPE_KEYS, source, where)
    if raw["view"] not in VIEWS:
        raise BodyMapError(f"{source}: {where}.view: unknown view {raw['view']!r}")
    if ("ellipse" in raw) == ("polygon" in raw):
        raise BodyMapError(f"{source}: {where}: needs exactly one of ellipse or polygon")
    shape = Shape(rid, raw["view"], "middle", _ellipse(raw, source, where), float(raw.get("angle", 0.0)),
                  _polygon(raw, source, where))
    cx = shape.center()[0]
    if raw.get("middle", False):
        if abs(cx - width / 2) > 1:
            raise BodyMapError(f"{source}: {where}: a middle shape must be centred on x = {_num(width / 2)}")
        return [shape]
    if cx >= width / 2:
        raise BodyMapError(f"{source}: {where}: draw shapes on the viewer's left half (x < {_num(width / 2)})")
    # Facing us, the person's right is on our left; from behind, their left is on our left.
    near, far = ("right", "left") if raw["view"] == "front" else ("left", "right")
    placed = Shape(rid, shape.view, near, shape.ellipse, shape.angle, shape.points)
    return [placed, placed.mirrored(width, far)]


def _ellipse(raw: dict[str, Any], source: str, where: str) -> tuple[float, float, float, float] | None:
    """Validate an `ellipse = [cx, cy, rx, ry]` value."""
    if "ellipse" not in raw:
        return None
    value = raw["ellipse"]
    if len(value) != 4 or not all(_is_number(v) for v in value) or min(value[2:]) <= 0:
        raise BodyMapError(f"{source}: {where}.ellipse: expected [cx, cy, rx, ry] with positive radii")
    return tuple(float(v) for v in value)  # type: ignore[return-value]


def _polygon(raw: dict[str, Any], source: str, where: str) -> tuple[tuple[float, float], ...]:
    """Validate a `polygon = [[x, y], ...]` value."""
    value = raw.get("polygon", [])
    ok = all(isinstance(p, list) and len(p) == 2 and all(_is_number(v) for v in p) for p in value)
    if "polygon" in raw and (len(value) < 3 or not ok):
        raise BodyMapError(f"{source}: {where}.polygon: expected at least three [x, y] points")
    return tuple((float(p[0]), float(p[1])) for p in value)


def _is_number(value: Any) -> bool:
    """True for int or float but not bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@lru_cache(maxsize=1)
def load_bodymap(path: Path = DEFAULT_PATH) -> BodyMap:
    """The project's body map, loaded once."""
    return BodyMap.from_file(path)


def side_labels(view: str) -> tuple[str, str]:
    """The person's side shown on the viewer's (left, right) of a view."""
    return ("R", "L") if view == "front" else ("L", "R")


def render_svg(locations: Iterable[str], side: str | None, bodymap: BodyMap | None = None,
               caption: str = "") -> str:
    """Inline SVG of both views with the reported regions highlighted on the reported side."""
    bm = bodymap or load_bodymap()
    known = [loc for loc in locations if loc in bm.regions]
    sure = side in SIDES
    parts = [_svg_open(bm, caption), _svg_background(bm)]
    for view in VIEWS:
        parts.append(_svg_view(bm, view))
    style = _highlight_style(bm, sure)
    parts += [s.svg(*bm.origin(s.view), style) for s in bm.marked(known, side)]
    parts.append("</svg>")
    return "\n".join(parts)


def _svg_open(bm: BodyMap, caption: str) -> str:
    """Opening tag with an accessible title; without a caption the picture is left out for screen readers."""
    label = (f'role="img" aria-label="{escape(caption)}"><title>{escape(caption)}</title>' if caption
             else 'aria-hidden="true">')
    return (f'<svg class="bodymap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(bm.width)} '
            f'{_num(bm.height)}" width="{_num(bm.width)}" height="{_num(bm.height)}" {label}')


def _svg_background(bm: BodyMap) -> str:
    """Background panel; its colour also lets tests find the map in a screenshot."""
    return f'<rect x="0" y="0" width="{_num(bm.width)}" height="{_num(bm.height)}" fill="{bm.figure["background"]}"/>'


def _svg_view(bm: BodyMap, view: str) -> str:
    """One figure: title, outline, details and the L/R labels."""
    fig, v = bm.figure, bm.views[view]
    dx, dy = bm.origin(view)
    w = float(fig["width"])
    body = "".join(f'<path d="{escape(d)}"/>' for d in v.outline)
    details = "".join(f'<path d="{escape(d)}"/>' for d in v.details)
    left, right = side_labels(view)
    y = float(fig["side_label_y"])
    return (f'<g transform="translate({_num(dx)} {_num(dy)})">'
            f'<text x="{_num(w / 2)}" y="-10" text-anchor="middle" class="bm-title">{escape(v.title)}</text>'
            f'<g fill="{fig["body_fill"]}" stroke="{fig["body_stroke"]}" stroke-width="1.3" '
            f'stroke-linejoin="round">{body}</g>'
            f'<g fill="none" stroke="{fig["detail_stroke"]}" stroke-width="0.9" stroke-linecap="round">'
            f'{details}</g>'
            f'<text x="10" y="{_num(y)}" text-anchor="middle" class="bm-side">{left}</text>'
            f'<text x="{_num(w - 10)}" y="{_num(y)}" text-anchor="middle" class="bm-side">{right}</text></g>')


def _highlight_style(bm: BodyMap, sure: bool) -> str:
    """Fill and stroke of marked regions; a paler dashed style when the side is not known."""
    fig = bm.figure
    if sure:
        return f'class="bm-mark" fill="{fig["highlight"]}" stroke="{fig["highlight_stroke"]}" stroke-width="1.2"'
    return (f'class="bm-mark bm-unsure" fill="{fig["unsure_fill"]}" stroke="{fig["highlight_stroke"]}" '
            f'stroke-width="1.2" stroke-dasharray="3 2"')
