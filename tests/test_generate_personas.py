"""The behaviours planted in the synthetic distributor show their signatures in the data."""

from __future__ import annotations

import duckdb
import pytest

from clientload.generate import generate_company
from clientload.generate.people import ESCAPE_BAIT
from clientload.settings import default_settings


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    company = generate_company(tmp_path_factory.mktemp("personas"), 300, 60_000, seed=11)
    db = duckdb.connect()
    for name, path in {**company.files, "personas": company.personas_file}.items():
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    db.execute(f"CREATE MACRO data_end() AS DATE '{company.end}'")
    yield db
    db.close()


def per_persona(con, sql: str) -> dict[str, float]:
    """`sql` yields (persona, value); returns them as a dict."""
    return dict(con.execute(sql).fetchall())


def test_demanding_large_orders_often_small_changes_much_and_rushes(con):
    per_client = per_persona(
        con,
        """SELECT persona, avg(orders_per_month) FROM (
             SELECT client_id, count(*) / 24.0 AS orders_per_month FROM orders GROUP BY 1)
           JOIN personas USING (client_id) GROUP BY 1""",
    )
    changes = per_persona(
        con, "SELECT persona, avg(changes) FROM orders JOIN personas USING (client_id) GROUP BY 1"
    )
    urgent = per_persona(
        con,
        "SELECT persona, avg(urgent::INT) FROM orders JOIN personas USING (client_id) GROUP BY 1",
    )
    lines = per_persona(
        con,
        """SELECT persona, count(*) / count(DISTINCT order_id) FROM sales
           JOIN personas USING (client_id) GROUP BY 1""",
    )
    assert per_client["demanding_large"] > 3 * per_client["disciplined_large"]
    assert changes["demanding_large"] > 10 * changes["disciplined_large"]
    assert urgent["demanding_large"] > 0.2 > 0.05 > urgent["disciplined_large"]
    assert lines["disciplined_large"] > 4 * lines["demanding_large"]


def test_demanding_large_clients_top_the_load_list(con):
    settings = default_settings()
    standard = {a.type: a.minutes for a in settings.activities.values() if a.type}
    cases = " ".join(f"WHEN '{t}' THEN {m}" for t, m in standard.items())
    load = con.execute(
        f"""WITH lines AS (SELECT order_id, count(*) AS n FROM sales GROUP BY 1),
           order_load AS (
             SELECT client_id, sum(9 + 3 * n + 35 * urgent::INT + 8 * changes
                                   + 45 * (delivery = 'delivery')::INT) AS minutes
             FROM orders JOIN lines USING (order_id) GROUP BY 1),
           talk_load AS (
             SELECT client_id, sum(coalesce(minutes, (CASE type {cases} END) * count)) AS minutes
             FROM interactions GROUP BY 1)
           SELECT persona FROM order_load JOIN talk_load USING (client_id)
           JOIN personas USING (client_id)
           ORDER BY order_load.minutes + talk_load.minutes DESC"""
    ).fetchall()
    demanding = sum(1 for (p,) in load if p == "demanding_large")
    top = [p for (p,) in load[:demanding]]
    assert top.count("demanding_large") >= 0.75 * demanding


def test_disciplined_large_buy_the_whole_range_regularly_and_pay_on_time(con):
    breadth = per_persona(
        con,
        """SELECT persona, avg(n) FROM (
             SELECT client_id, count(DISTINCT category) AS n FROM sales JOIN products USING (sku)
             GROUP BY 1) JOIN personas USING (client_id) GROUP BY 1""",
    )
    cv = per_persona(
        con,
        """SELECT persona, median(cv) FROM (
             SELECT client_id, stddev_pop(r) / avg(r) AS cv FROM (
               SELECT client_id, date_trunc('month', date) AS m, sum(revenue) AS r
               FROM sales WHERE date >= data_end() - INTERVAL 365 DAY GROUP BY 1, 2)
             GROUP BY 1) JOIN personas USING (client_id) GROUP BY 1""",
    )
    late_days = per_persona(
        con,
        """SELECT persona, avg(paid_date - due_date) FROM receivables
           JOIN personas USING (client_id) WHERE paid_date IS NOT NULL GROUP BY 1""",
    )
    assert breadth["disciplined_large"] >= 8 > 3 >= breadth["price_hunter"]
    assert cv["disciplined_large"] < 0.35 < 0.6 < cv["price_hunter"]
    assert late_days["disciplined_large"] < 1 < 10 < late_days["price_hunter"]


def test_price_hunters_buy_cheap_with_big_discounts_by_phone(con):
    margin = per_persona(
        con,
        """SELECT persona, sum(revenue - cost) / sum(revenue) FROM sales
           JOIN personas USING (client_id) GROUP BY 1""",
    )
    company_margin = con.execute("SELECT sum(revenue - cost) / sum(revenue) FROM sales").fetchone()
    discount = per_persona(
        con, "SELECT persona, avg(discount) FROM sales JOIN personas USING (client_id) GROUP BY 1"
    )
    source = con.execute(
        """SELECT mode(source) FROM orders JOIN personas USING (client_id)
           WHERE persona = 'price_hunter'"""
    ).fetchone()
    assert margin["price_hunter"] < company_margin[0] - 0.08
    assert discount["price_hunter"] > 3 * discount["ordinary"]
    assert source == ("phone",)


def test_growing_medium_grow_strongly_with_a_richer_mix(con):
    growth = per_persona(
        con,
        """SELECT persona,
             sum(revenue) FILTER (WHERE date > data_end() - INTERVAL 12 MONTH)
             / sum(revenue) FILTER (WHERE date <= data_end() - INTERVAL 12 MONTH)
           FROM sales JOIN personas USING (client_id) GROUP BY 1""",
    )
    margin = per_persona(
        con,
        """SELECT persona, sum(revenue - cost) / sum(revenue) FROM sales
           JOIN personas USING (client_id) GROUP BY 1""",
    )
    assert growth["growing_medium"] > 1.3
    assert growth["ordinary"] < 1.3
    assert margin["growing_medium"] > margin["ordinary"] + 0.03


def test_only_warehouse_users_keep_goods_with_us(con):
    holders = per_persona(
        con,
        """SELECT persona, count(DISTINCT client_id) FROM storage
           JOIN personas USING (client_id) GROUP BY 1""",
    )
    users = con.execute("SELECT count(*) FROM personas WHERE persona = 'warehouse_user'").fetchone()
    assert holders == {"warehouse_user": users[0]}
    days = con.execute(
        "SELECT min(n) FROM (SELECT client_id, count(*) AS n FROM storage GROUP BY 1)"
    ).fetchone()
    assert days[0] > 60


def test_chatty_clients_talk_much_for_what_they_buy(con):
    per_revenue = per_persona(
        con,
        """WITH talk AS (SELECT client_id, sum(coalesce(count, 1)) AS events
                         FROM interactions GROUP BY 1),
                bought AS (SELECT client_id, sum(revenue) AS revenue FROM sales GROUP BY 1)
           SELECT persona, sum(events) / sum(revenue) * 1e6 FROM talk JOIN bought USING (client_id)
           JOIN personas USING (client_id) GROUP BY 1""",
    )
    assert per_revenue["chatty"] > 3 * per_revenue["ordinary"]


def test_new_and_lapsed_clients_by_their_dates(con):
    rows = con.execute(
        """SELECT persona, min(first_day), max(last_day) FROM (
             SELECT client_id, min(date) AS first_day, max(date) AS last_day FROM sales GROUP BY 1)
           JOIN personas USING (client_id) WHERE persona IN ('new', 'lapsed') GROUP BY 1"""
    ).fetchall()
    bounds = {p: (first, last) for p, first, last in rows}
    end = con.execute("SELECT data_end()").fetchone()[0]
    assert (end - bounds["new"][0]).days <= 92
    assert (end - bounds["lapsed"][1]).days > 90


def test_revenue_is_skewed_to_a_few_large_clients(con):
    top_share = con.execute(
        """WITH r AS (SELECT client_id, sum(revenue) AS revenue FROM sales GROUP BY 1),
                ranked AS (SELECT revenue, row_number() OVER (ORDER BY revenue DESC) AS rank,
                                  count(*) OVER () AS n FROM r)
           SELECT sum(revenue) FILTER (WHERE rank <= 0.2 * n) / sum(revenue) FROM ranked"""
    ).fetchone()[0]
    assert top_share >= 0.6


def test_demand_is_seasonal(con):
    by_month = dict(
        con.execute(
            "SELECT month(date), count(*) FROM sales WHERE quantity > 0 GROUP BY 1"
        ).fetchall()
    )
    assert (by_month[5] + by_month[6]) > 1.3 * (by_month[1] + by_month[2])


def test_names_that_must_be_escaped_downstream_are_there(con):
    names = {row[0] for row in con.execute("SELECT name FROM clients").fetchall()}
    assert set(ESCAPE_BAIT) <= names
    assert {n[0] for n in ESCAPE_BAIT} >= {"=", "+", "-", "@"}
    assert any("<script>" in n for n in names)


def test_contacts_have_several_phones_and_whole_domains(con):
    phones, domains, plus7 = con.execute(
        """SELECT count(*) FILTER (WHERE phones LIKE '%;%'),
                  count(*) FILTER (WHERE emails LIKE '@%'),
                  count(*) FILTER (WHERE phones LIKE '+7 9%' OR phones LIKE '+7 (9%')
           FROM clients"""
    ).fetchone()
    assert phones > 0 and domains > 0 and plus7 > 0


def test_interactions_cover_every_default_type_with_and_without_minutes(con):
    settings = default_settings()
    wanted = {a.type: a.department for a in settings.activities.values() if a.type}
    rows = con.execute(
        """SELECT type, any_value(department), count(DISTINCT department),
                  count(*) FILTER (WHERE minutes IS NULL), count(*) FILTER (WHERE count > 1)
           FROM interactions GROUP BY 1"""
    ).fetchall()
    found = {t: (dept, n) for t, dept, n, _, _ in rows}
    assert set(found) == set(wanted)
    assert all(found[t] == (wanted[t], 1) for t in wanted)
    assert sum(r[3] for r in rows) > 0 and sum(r[4] for r in rows) > 0


def test_receivables_follow_terms_and_some_are_open_at_the_end(con):
    wrong_due, open_invoices = con.execute(
        """SELECT count(*) FILTER (WHERE r.due_date - r.issued_date <> c.payment_terms_days),
                  count(*) FILTER (WHERE r.paid_date IS NULL)
           FROM receivables r JOIN clients c USING (client_id)"""
    ).fetchone()
    assert wrong_due == 0 and open_invoices > 0


def test_plans_are_set_above_what_managers_achieved(con):
    ratios = con.execute(
        """WITH actual AS (
             SELECT manager, strftime(date, '%Y-%m') AS period, sum(revenue) AS revenue
             FROM sales s JOIN orders o USING (order_id)
             WHERE strftime(o.created_at, '%Y-%m') = strftime(s.date, '%Y-%m')
             GROUP BY 1, 2)
           SELECT min(revenue_plan / revenue), max(revenue_plan / revenue)
           FROM plans JOIN actual USING (manager, period) WHERE revenue > 100000"""
    ).fetchone()
    assert ratios[0] > 0.95 and ratios[1] < 1.35
