"""The figures the pages show, read from the model's results with parameterised DuckDB SQL.

A manager sees only the clients whose `manager` is their manager name; every query that lists or
sums clients goes through `scope()` so that rule lives in one place.
"""

from __future__ import annotations

from typing import Any

from clientload.web.auth import User
from clientload.web.store import Results

TEXT_SORTS = ("client_id", "name", "manager", "region", "segment")
PAGE_SIZE = 50
SELF_SERVICE_DEPARTMENTS = ("sales", "customer_service")


def scope(user: User, alias: str = "") -> tuple[str, list[Any]]:
    """The WHERE part limiting `client_metrics` to what the user may see."""
    if user.sees_all_clients:
        return "TRUE", []
    prefix = f"{alias}." if alias else ""
    return f"{prefix}manager = ?", [user.manager_name]


def _totals(results: Results, user: User) -> dict[str, Any]:
    where, params = scope(user)
    found = results.query(
        ("client_metrics",),
        "SELECT count(*) AS clients, sum(revenue) AS revenue, sum(gross_margin) AS gross_margin, "
        "sum(cost_to_serve) AS cost_to_serve, sum(contribution) AS contribution, "
        f"sum(load_minutes) AS load_minutes FROM client_metrics WHERE {where}",
        params,
    )
    out = found[0] if found else {}
    capacity = results.query(
        ("capacity",),
        "SELECT sum(unused_cost) AS unused_cost, sum(unused_minutes) AS unused_minutes, "
        "sum(cost) AS capacity_cost FROM capacity",
    )
    out.update(capacity[0] if capacity else {})
    return out


def _whale_curve(results: Results, user: User, points: int = 200) -> list[dict[str, float]]:
    """Cumulative contribution against the share of clients ranked by contribution, thinned to
    about `points` points so that 50,000 clients still draw quickly."""
    where, params = scope(user)
    return results.query(
        ("client_metrics",),
        f"""WITH ranked AS (
              SELECT row_number() OVER (ORDER BY contribution DESC, client_id) AS rank,
                     sum(contribution) OVER (ORDER BY contribution DESC, client_id
                                             ROWS UNBOUNDED PRECEDING) AS cumulative,
                     count(*) OVER () AS n
              FROM client_metrics WHERE {where})
            SELECT 0.0 AS client_share, 0.0 AS cumulative_contribution, 0 AS rank
            UNION ALL
            SELECT rank / n, cumulative, rank
            FROM ranked
            WHERE rank = 1 OR rank = n OR rank % greatest(1, n // ?) = 0
            ORDER BY rank""",
        [*params, points],
    )


def _groups(results: Results, user: User) -> list[dict[str, Any]]:
    where, params = scope(user)
    return results.query(
        ("client_metrics",),
        "SELECT segment, count(*) AS clients, sum(revenue) AS revenue, "
        "sum(gross_margin) AS gross_margin, sum(cost_to_serve) AS cost_to_serve, "
        "sum(contribution) AS contribution, sum(load_minutes) AS load_minutes "
        f"FROM client_metrics WHERE {where} GROUP BY segment ORDER BY revenue DESC",
        params,
    )


def departments(results: Results) -> list[dict[str, Any]]:
    if not results.has("capacity"):
        return []
    return results.table("capacity", order="cost DESC")


def _self_service(results: Results, user: User, reduction: float) -> dict[str, Any]:
    """What moving price-driven clients to the portal would free: `reduction` of their sales and
    customer-service minutes and of the cost of those minutes."""
    where, params = scope(user, "m")
    marks = ", ".join("?" for _ in SELF_SERVICE_DEPARTMENTS)
    found = results.query(
        ("client_metrics", "client_costs"),
        "SELECT count(DISTINCT m.client_id) AS clients, coalesce(sum(c.minutes), 0) AS minutes, "
        "coalesce(sum(c.cost), 0) AS cost FROM client_metrics m "
        "JOIN client_costs c ON c.client_id = m.client_id "
        f"WHERE m.segment = 'price_driven' AND c.department IN ({marks}) AND {where}",
        [*SELF_SERVICE_DEPARTMENTS, *params],
    )
    row = found[0] if found else {"clients": 0, "minutes": 0.0, "cost": 0.0}
    return {
        "clients": row["clients"],
        "reduction": reduction,
        "freed_minutes": float(row["minutes"] or 0) * reduction,
        "freed_cost": float(row["cost"] or 0) * reduction,
    }


def _numeric_columns(results: Results) -> list[str]:
    if not results.has("client_metrics"):
        return []
    with results.connect("client_metrics") as con:
        described = con.execute("DESCRIBE client_metrics").fetchall()
    numeric = ("DOUBLE", "BIGINT", "INTEGER", "FLOAT", "DECIMAL", "HUGEINT", "SMALLINT")
    return [name for name, kind, *_ in described if str(kind).startswith(numeric)]


def _filter_options(results: Results, user: User) -> dict[str, list[str]]:
    where, params = scope(user)
    out: dict[str, list[str]] = {}
    for column in ("segment", "manager", "region"):
        found = results.query(
            ("client_metrics",),
            f"SELECT DISTINCT {column} AS v FROM client_metrics WHERE {where} "
            f"AND {column} IS NOT NULL ORDER BY 1",
            params,
        )
        out[column] = [str(r["v"]) for r in found]
    return out


def client_list(results: Results, user: User, *, q: str = "", segment: str = "",
                manager: str = "", region: str = "", sort: str = "contribution",
                descending: bool = True, page: int = 1, page_size: int = PAGE_SIZE
                ) -> dict[str, Any]:
    """One page of clients; `sort` must be a known column (checked against a whitelist)."""
    allowed = set(TEXT_SORTS) | set(numeric_columns(results))
    if sort not in allowed:
        sort = "contribution" if "contribution" in allowed else "client_id"
    where, params = scope(user)
    conditions = [where]
    if q:
        conditions.append("(client_id ILIKE ? OR name ILIKE ?)")
        params += [f"%{q}%", f"%{q}%"]
    for column, value in (("segment", segment), ("manager", manager), ("region", region)):
        if value:
            conditions.append(f"{column} = ?")
            params.append(value)
    clause = " AND ".join(conditions)
    count = results.query(("client_metrics",),
                          f"SELECT count(*) AS n FROM client_metrics WHERE {clause}", params)
    total = int(count[0]["n"]) if count else 0
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    direction = "DESC" if descending else "ASC"
    found = results.query(
        ("client_metrics",),
        "SELECT client_id, name, manager, region, segment, revenue, gross_margin, margin_rate, "
        "load_minutes, cost_to_serve, contribution, contribution_rate"
        + (f", {sort}" if sort not in TEXT_SORTS + _LISTED else "")
        + f" FROM client_metrics WHERE {clause} "
        f'ORDER BY "{sort}" {direction} NULLS LAST, client_id LIMIT ? OFFSET ?',
        [*params, page_size, (page - 1) * page_size],
    )
    return {"clients": found, "total": total, "page": page, "pages": pages, "sort": sort,
            "descending": descending}


_LISTED = ("revenue", "gross_margin", "margin_rate", "load_minutes", "cost_to_serve",
           "contribution", "contribution_rate")


def client(results: Results, client_id: str) -> dict[str, Any] | None:
    found = results.table("client_metrics", "client_id = ?", [client_id], limit=1)
    return found[0] if found else None


def client_rows(results: Results, table: str, client_id: str, order: str = "") -> list[dict]:
    """A client's rows of any result table that has a `client_id` column."""
    if "client_id" not in results.columns(table):
        return []
    return results.table(table, "client_id = ?", [client_id], order=order, limit=500)


def client_categories(results: Results, client_id: str) -> list[dict[str, Any]]:
    """What the client buys, one row per category (the table may split categories further)."""
    if not results.has("client_assortment"):
        return []
    return results.query(
        ("client_assortment",),
        "SELECT category, sum(revenue) AS revenue, sum(gross_margin) AS gross_margin, "
        "sum(quantity) AS quantity FROM client_assortment WHERE client_id = ? "
        "GROUP BY category ORDER BY revenue DESC NULLS LAST",
        [client_id],
    )


def heavy_clients(results: Results, user: User, limit: int = 50) -> list[dict[str, Any]]:
    """The clients with the highest cost to serve, with their top categories."""
    where, params = scope(user, "m")
    has_assortment = results.has("client_assortment")
    categories = (
        "(SELECT string_agg(category, ', ' ORDER BY revenue DESC) FROM "
        "(SELECT category, sum(revenue) AS revenue FROM client_assortment a "
        "WHERE a.client_id = m.client_id GROUP BY category ORDER BY revenue DESC LIMIT 3))"
        if has_assortment else "NULL"
    )
    tables = ("client_metrics", "client_assortment") if has_assortment else ("client_metrics",)
    return results.query(
        tables,
        "SELECT m.client_id, m.name, m.manager, m.segment, m.revenue, m.gross_margin, "
        "m.load_minutes, m.cost_to_serve, m.contribution, "
        f"{categories} AS top_categories FROM client_metrics m WHERE {where} "
        "ORDER BY m.cost_to_serve DESC NULLS LAST, m.client_id LIMIT ?",
        [*params, limit],
    )


# The dashboard's and the lists' figures are whole-table aggregates: kept per run and per scope
# (all clients, or one manager's), they cost a dictionary lookup after the first page.
def _scope_key(user: User) -> str:
    return "*" if user.sees_all_clients else f"manager:{user.manager_name}"


def whale_curve(results: Results, user: User, points: int = 200) -> list[dict[str, float]]:
    return results.memo(f"whale_curve:{_scope_key(user)}:{points}", ("client_metrics",),
                        lambda: _whale_curve(results, user, points))


def self_service(results: Results, user: User, reduction: float) -> dict[str, Any]:
    return results.memo(f"self_service:{_scope_key(user)}:{reduction}",
                        ("client_metrics", "client_costs"),
                        lambda: _self_service(results, user, reduction))


def groups(results: Results, user: User) -> list[dict[str, Any]]:
    return results.memo(f"groups:{_scope_key(user)}", ("client_metrics",),
                        lambda: _groups(results, user))


def totals(results: Results, user: User) -> dict[str, Any]:
    return results.memo(f"totals:{_scope_key(user)}", ("client_metrics", "capacity"),
                        lambda: _totals(results, user))


def filter_options(results: Results, user: User) -> dict[str, list[str]]:
    return results.memo(f"filter_options:{_scope_key(user)}", ("client_metrics",),
                        lambda: _filter_options(results, user))


def numeric_columns(results: Results) -> list[str]:
    return results.memo("numeric_columns", ("client_metrics",),
                        lambda: _numeric_columns(results))
