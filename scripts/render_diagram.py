#!/usr/bin/env python3
"""Render the Mermaid conversation diagram to SVG offline: Mermaid text -> Graphviz DOT -> `dot -Tsvg`.

Usage: scripts/render_diagram.py [IN.mmd] [OUT.svg] [--dot]
Defaults: docs/state-machine.mmd -> docs/state-machine.svg. With --dot, print the DOT text instead.
Understands `stateDiagram-v2` (states, `a --> b: label`, `[*]`, direction) and simple `flowchart`/`graph`
edges (`a --> b`, `a -->|label| b`, `a[Label]`). Needs Graphviz (Debian package `graphviz`).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "__start__", "__end__"
STATE = re.compile(r'^state\s+"(?P<label>[^"]*)"\s+as\s+(?P<id>[\w.-]+)$')
STATE_EDGE = re.compile(r"^(?P<a>\[\*\]|[\w.-]+)\s*-->\s*(?P<b>\[\*\]|[\w.-]+)\s*(?::\s*(?P<label>.*))?$")
NODE = r"(?P<{0}>[\w.-]+)(?:\[(?P<{0}l>[^\]]*)\]|\((?P<{0}r>[^)]*)\))?"
FLOW_EDGE = re.compile(rf"^{NODE.format('a')}\s*-->\s*(?:\|(?P<label>[^|]*)\|\s*)?{NODE.format('b')}$")
# Reading aids for clinicians: the emergency path in red, "the person said stop" edges faint and dashed.
NODE_STYLES = {"emergency": 'fillcolor="#fde8e7", color="#b3261e", fontcolor="#9c1c15", penwidth=2'}
EDGE_STYLES = {"emergency": 'color="#b3261e", fontcolor="#9c1c15", penwidth=1.6',
               "stopped": 'color="#9aa3ad", fontcolor="#6b7580", style=dashed'}


@dataclass
class Diagram:
    """States (id -> label), edges (from, to, label), the title and the layout direction."""

    title: str = ""
    direction: str = "LR"
    states: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)


def parse(text: str) -> Diagram:
    """Parse the subset of Mermaid that `voice-triage diagram` writes."""
    diagram = Diagram()
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # front matter: `title: ...`
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
        diagram.title = next((l.split(":", 1)[1].strip() for l in lines[1:end] if l.strip().startswith("title:")),
                             " ".join(l.strip() for l in lines[1:end]))
        lines = lines[end + 1:]
    for raw in lines:
        _parse_line(diagram, raw.strip())
    return diagram


def _parse_line(diagram: Diagram, line: str) -> None:
    """Add one Mermaid line's state or edge to the diagram; styling lines are ignored."""
    if not line or line.startswith(("%%", "classDef", "Class ", "class ", "style ", "stateDiagram", "flowchart")):
        direction = re.match(r"^(?:flowchart|graph)\s+(\w+)", line)
        diagram.direction = direction.group(1) if direction else diagram.direction
        return
    if line.startswith("graph"):
        diagram.direction = (line.split() + ["LR"])[1]
    elif line.startswith("direction "):
        diagram.direction = line.split()[1]
    elif match := STATE.match(line):
        diagram.states[match["id"]] = match["label"]
    elif match := STATE_EDGE.match(line):
        a = START if match["a"] == "[*]" else match["a"]
        b = END if match["b"] == "[*]" else match["b"]
        _add_edge(diagram, a, b, match["label"] or "")
    elif match := FLOW_EDGE.match(line):
        for key in ("a", "b"):
            label = match[f"{key}l"] or match[f"{key}r"]
            if label:
                diagram.states[match[key]] = label
        _add_edge(diagram, match["a"], match["b"], match["label"] or "")
    else:
        raise ValueError(f"cannot read this Mermaid line: {line!r}")


def _add_edge(diagram: Diagram, a: str, b: str, label: str) -> None:
    """Record an edge and make sure both ends are known states."""
    for node in (a, b):
        diagram.states.setdefault(node, node)
    diagram.edges.append((a, b, label.strip()))


def _quote(text: str) -> str:
    """A DOT string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(diagram: Diagram) -> str:
    """Graphviz DOT for the diagram: rounded states, a start dot, alternatives on separate label lines."""
    rankdir = {"LR": "LR", "RL": "RL", "TB": "TB", "TD": "TB", "BT": "BT"}.get(diagram.direction, "LR")
    out = ["digraph conversation {", f"  rankdir={rankdir};", '  bgcolor="white"; pad=0.3; nodesep=0.5; ranksep=0.9;',
           '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#1d5ba6", '
           'fontname="DejaVu Sans", fontsize=14, margin="0.25,0.12"];',
           '  edge [color="#4a4a4a", fontname="DejaVu Sans", fontsize=11, arrowsize=0.8];']
    if diagram.title:
        out.append(f'  labelloc=t; fontname="DejaVu Sans"; fontsize=18; label={_quote(diagram.title)};')
    outgoing = {a for a, _, _ in diagram.edges}
    for node, label in diagram.states.items():
        out.append(f"  {_quote(node)} [{_node_style(node, label, node in outgoing)}];")
    for a, b, label in diagram.edges:
        text = "\n".join(part.strip() for part in label.split("|")) if label else ""
        attrs = ", ".join(filter(None, [f"label={_quote(text)}" if text else "", _edge_style(a, b, label)]))
        out.append(f"  {_quote(a)} -> {_quote(b)}" + (f" [{attrs}];" if attrs else ";"))
    out.append("}")
    return "\n".join(out) + "\n"


def _node_style(node: str, label: str, has_exit: bool) -> str:
    """Start and end pseudo-states as dots; a state with no way out gets a double border."""
    if node == START:
        return 'shape=circle, label="", width=0.25, style=filled, fillcolor="#1b1f24"'
    if node == END:
        return 'shape=doublecircle, label="", width=0.2, style=filled, fillcolor="#1b1f24"'
    extra = next((style for key, style in NODE_STYLES.items() if key in node), "")
    return ", ".join(filter(None, [f"label={_quote(label)}", extra, "" if has_exit else "peripheries=2"]))


def _edge_style(a: str, b: str, label: str) -> str:
    """Extra DOT attributes for an edge: by its target state, else by its only event."""
    events = {part.split("[")[0].strip() for part in label.split("|")}
    return next((style for key, style in EDGE_STYLES.items() if key in b or events == {key}), "")


def render_svg(dot_text: str) -> str:
    """SVG from DOT via Graphviz `dot`."""
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("Graphviz `dot` not found; install it with: sudo apt-get install graphviz")
    result = subprocess.run([dot, "-Tsvg"], input=dot_text, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"dot failed: {result.stderr.strip()}")
    return result.stdout


def main(argv: list[str]) -> int:
    """Command line entry point."""
    as_dot = "--dot" in argv
    paths = [a for a in argv if a != "--dot"]
    source = Path(paths[0]) if paths else ROOT / "docs" / "state-machine.mmd"
    target = Path(paths[1]) if len(paths) > 1 else ROOT / "docs" / "state-machine.svg"
    try:
        dot_text = to_dot(parse(source.read_text(encoding="utf-8")))
        if as_dot:
            sys.stdout.write(dot_text)
            return 0
        target.write_text(render_svg(dot_text), encoding="utf-8")
    except (OSError, ValueError, RuntimeError, StopIteration) as error:
        sys.stderr.write(f"render_diagram: {error}\n")
        return 1
    sys.stdout.write(f"Wrote {target}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
