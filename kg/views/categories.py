"""The categories view: papers in a grid of category lanes (rows) and years (columns).

A paper listed under several categories (a hybrid entry) appears once in each of their
lanes, and a dashed line joins its copies. Past the node budget the grid aggregates:
one node per (category, year) cell, sized by its number of papers, whose tooltip lists
them.
"""

from __future__ import annotations

import math
from collections import defaultdict

from kg.views.catalog import Catalog, JsonObj, short_label
from kg.views.view import MAX_NODES, View

__all__ = ["build_categories"]

_DX = 190.0  # between papers of one cell
_DY = 46.0
_CELL_PAD_X = 130.0
_CELL_PAD_Y = 44.0
_UNCATEGORISED = "Uncategorised"


#: The column of papers whose list states no year (sorted after every year).
_NO_YEAR = 10_000


def _year_text(year: int) -> str:
    return "no year" if year == _NO_YEAR else str(year)


def build_categories(cat: Catalog) -> View:
    """Papers by category and year."""
    lanes = list(cat.categories)
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)  # (lane, year) -> paper indices
    for index, paper in enumerate(cat.paper_rows):
        for lane in paper["c"] or [len(cat.categories)]:
            # A paper without a year goes to a last column, "no year".
            cells[(lane, _NO_YEAR if paper["y"] is None else paper["y"])].append(index)
    if any(lane == len(cat.categories) for lane, _ in cells):
        lanes.append(_UNCATEGORISED)
    years = sorted({year for _, year in cells})
    memberships = sum(len(v) for v in cells.values())
    aggregate = memberships > MAX_NODES
    if aggregate:
        rows, edges, decor = _aggregated(cells, lanes, years, len(cat.categories))
        notice = (
            f"{len(cat.paper_rows):,} papers ({memberships:,} placements in category lanes) are more than one page can draw and stay responsive. "
            f"Each circle stands for the papers of one category and year ({len(rows):,} cells); hover it for their titles, "
            'or filter by category and year. To see single papers, use the search, or focus: kg viz --focus "TITLE" --depth 1.'
        )
    else:
        rows, edges, decor = _papers(cat, cells, lanes, years)
        notice = "" if rows else "No papers to draw."
    return View(
        name="categories",
        title="Categories",
        summary="Papers by category (rows) and year (columns). A paper listed under several categories appears in each of their rows, its copies joined by a dashed line.",
        nodes=rows,
        edges=edges,
        directed=False,
        notice=notice,
        full_nodes=memberships,
        full_edges=sum(max(len(p["c"]) - 1, 0) for p in cat.paper_rows),
        decor=decor,
        kinds=["cell"] if aggregate else (["paper"] if rows else []),
    )


def _grid(
    cells: dict[tuple[int, int], list[int]], lanes: list[str], years: list[int]
) -> tuple[dict[int, float], dict[int, float], dict[int, int], JsonObj]:
    """Column x and width per year, lane y and height per lane, for cells of varying size."""
    per_row = {
        y: max(
            1,
            math.ceil(
                math.sqrt(max((len(v) for (_, yy), v in cells.items() if yy == y), default=1) / 3)
            ),
        )
        for y in years
    }
    rows_of_lane = {
        lane: max(
            (math.ceil(len(v) / per_row[y]) for (ll, y), v in cells.items() if ll == lane),
            default=1,
        )
        for lane in range(len(lanes))
    }
    col_x: dict[int, float] = {}
    x = 0.0
    for y in years:
        col_x[y] = x
        x += per_row[y] * _DX + _CELL_PAD_X
    lane_y: dict[int, float] = {}
    top = 0.0
    lane_rows: list[JsonObj] = []
    for lane in range(len(lanes)):
        height = rows_of_lane[lane] * _DY + _CELL_PAD_Y
        lane_y[lane] = top
        lane_rows.append(
            {
                "y": round(top - _DY / 2 - _CELL_PAD_Y / 4, 1),
                "h": round(height, 1),
                "text": lanes[lane],
            }
        )
        top += height
    decor: JsonObj = {
        "columns": [
            {"x": round(col_x[y] + (per_row[y] - 1) * _DX / 2, 1), "text": _year_text(y)}
            for y in years
        ],
        "lanes": lane_rows,
    }
    return col_x, lane_y, per_row, decor


def _papers(
    cat: Catalog, cells: dict[tuple[int, int], list[int]], lanes: list[str], years: list[int]
) -> tuple[list[JsonObj], list[JsonObj], JsonObj]:
    col_x, lane_y, per_row, decor = _grid(cells, lanes, years)
    rows: list[JsonObj] = []
    copies: dict[int, list[int]] = defaultdict(list)
    for (lane, year), members in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
        for j, index in enumerate(
            sorted(members, key=lambda i: (cat.paper_rows[i]["t"].casefold(), i))
        ):
            r, c = divmod(j, per_row[year])
            node = cat.record(cat.papers[index], len(rows))
            node["label"] = short_label(node["name"], limit=30)
            node["x"] = round(col_x[year] + c * _DX, 1)
            node["y"] = round(lane_y[lane] + r * _DY, 1)
            node["cats"] = [lane] if lane < len(cat.categories) else []
            copies[index].append(node["id"])
            rows.append(node)
    edges: list[JsonObj] = []
    for index in sorted(copies):
        chain = copies[index]
        for a, b in zip(chain, chain[1:], strict=False):
            edges.append(
                {
                    "id": len(edges),
                    "from": a,
                    "to": b,
                    "rel": "same paper",
                    "pp": [index],
                    "dashes": True,
                }
            )
    return rows, edges, decor


def _aggregated(
    cells: dict[tuple[int, int], list[int]], lanes: list[str], years: list[int], named: int
) -> tuple[list[JsonObj], list[JsonObj], JsonObj]:
    rows: list[JsonObj] = []
    lane_rows: list[JsonObj] = []
    step_x, step_y = 130.0, 80.0
    largest = max((len(v) for v in cells.values()), default=1)
    for lane, text in enumerate(lanes):
        lane_rows.append({"y": round(lane * step_y - step_y / 2, 1), "h": step_y, "text": text})
    for (lane, year), members in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
        rows.append(
            {
                "id": len(rows),
                "kind": "cell",
                "label": f"{len(members):,}",
                "name": f"{len(members):,} papers in {lanes[lane]}, {_year_text(year)}",
                "pp": sorted(members),
                "cats": [lane] if lane < named else [],
                "x": round(years.index(year) * step_x, 1),
                "y": round(lane * step_y, 1),
                "size": round(6 + 22 * math.sqrt(len(members) / largest), 1),
                "fs": 20,
            }
        )
    decor: JsonObj = {
        "columns": [
            {"x": round(i * step_x, 1), "text": _year_text(y)} for i, y in enumerate(years)
        ],
        "lanes": lane_rows,
    }
    return rows, [], decor
