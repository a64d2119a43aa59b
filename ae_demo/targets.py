"""Measured values compared with fixed limits, as the evaluation and the benchmark report them."""

from __future__ import annotations

import operator

RELATIONS = {"<=": operator.le, ">=": operator.ge}


def check_targets(rows: list[tuple[str, float, str, float]]) -> list[dict]:
    """Turn (name, measured value, "<=" or ">=", limit) rows into records saying whether each is met."""
    return [
        {"name": name, "value": value, "target": f"{relation} {limit}", "met": bool(RELATIONS[relation](value, limit))}
        for name, value, relation, limit in rows
    ]


def markdown_rows(targets: list[dict]) -> list[str]:
    """Markdown table lines for checked targets, the failures in bold."""
    lines = ["| measure | measured | target | status |", "|---|---|---|---|"]
    for target in targets:
        status = "met" if target["met"] else "**not met**"
        lines.append(f"| {target['name']} | {target['value']:.4g} | {target['target']} | {status} |")
    return lines
