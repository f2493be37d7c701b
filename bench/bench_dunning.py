"""Benchmark of one full daily dunning run on a deterministic dataset.

Run through ``bench/run`` (which makes a fresh database per size), or directly:
    python -m bench.bench_dunning -c .local/odoo.conf -d DB --customers 2000 --invoices 20000

The dataset: ``customers`` companies (one in twenty without email), ``invoices`` posted customer
invoices with due dates from 400 days ago to 60 days ahead, about a third overdue, one in ten of
the overdue ones partially paid. Partners are created through the ORM in batches; one invoice is
created and posted through the ORM and cloned set-based in SQL (header and journal items, amounts
scaled), because creating 100,000 invoices through the ORM takes hours.

Prints, for each phase of the run (compute: selection, levels, communications; send: PDFs,
emails queued, evidence), the wall time, the SQL query count, the peak Python memory and what
was created. The database is analysed once the dataset is built, as a live one is, so that the
query plans are those of a real day, not of tables without statistics.

The compute phase is run ``--repeat`` times (default 3), each time rolled back but the last,
and its wall time given as the median and the minimum: one run on a shared machine varies by a
fifth. Its peak Python memory comes from one more run, rolled back, under ``tracemalloc``:
tracing slows allocation-heavy code two to four times, so that run is not timed.
"""

import argparse
import random
import resource
import time
import tracemalloc
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL

SEED = 42
TEMPLATE_AMOUNT = 100.0


def build_dataset(env, customers, invoices, today):
    rng = random.Random(SEED)
    company = env.company
    company.email = "credit@bench.test"  # the dunning emails leave from the company
    partners = env["res.partner"].browse()
    for start in range(0, customers, 2000):
        partners |= env["res.partner"].create(
            [
                {
                    "name": f"Bench Customer {i:05d}",
                    "is_company": True,
                    "email": False if i % 20 == 0 else f"ar{i:05d}@bench.test",
                    "company_registry": f"{rng.randrange(10**8, 10**9)}",
                }
                for i in range(start, min(start + 2000, customers))
            ]
        )
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partners[0].id,
            "invoice_date": today,
            "invoice_date_due": today,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Bench service",
                        "quantity": 1,
                        "price_unit": TEMPLATE_AMOUNT,
                        "tax_ids": [],
                    }
                )
            ],
        }
    )
    template.action_post()

    rows = []
    for seq in range(1, invoices):
        partner_id = partners[rng.randrange(customers)].id
        if rng.random() < 1 / 3:
            due = today - timedelta(days=rng.randint(1, 400))
        else:
            due = today + timedelta(days=rng.randint(0, 60))
        amount = float(rng.randint(50, 5000))
        residual = amount
        if due < today and rng.random() < 0.1:
            residual = round(amount * rng.uniform(0.3, 0.7), 2)
        rows.append((seq, partner_id, due - timedelta(days=30), due, amount, residual))
    env.cr.execute(
        "CREATE TEMP TABLE bench_inv (seq int, partner_id int, invoice_date date, due date,"
        " amount numeric, residual numeric) ON COMMIT DROP"
    )
    env.cr.execute(
        SQL(
            "INSERT INTO bench_inv SELECT * FROM unnest(%s::int[], %s::int[], %s::date[],"
            " %s::date[], %s::numeric[], %s::numeric[])",
            *[list(col) for col in zip(*rows, strict=True)],
        )
    )
    env.flush_all()
    _clone_moves(env, template)
    _clone_lines(env, template)
    env.invalidate_all()
    env["account.move"]._dunning_update_next_dates(company)
    return partners


def _columns(env, table):
    return [
        name
        for (name,) in env.execute_query(
            SQL(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND column_name != 'id' ORDER BY ordinal_position",
                table,
            )
        )
    ]


def _clone_moves(env, template):
    factor = SQL("(b.amount / %s)", TEMPLATE_AMOUNT)
    residual_factor = SQL("(b.residual / %s)", TEMPLATE_AMOUNT)
    special = {
        "name": SQL("'BNCH/' || lpad(b.seq::text, 7, '0')"),
        "payment_reference": SQL("'BNCH/' || lpad(b.seq::text, 7, '0')"),
        "sequence_prefix": SQL("'BNCH/'"),
        "sequence_number": SQL("b.seq"),
        "partner_id": SQL("b.partner_id"),
        "commercial_partner_id": SQL("b.partner_id"),
        "partner_shipping_id": SQL("b.partner_id"),
        "invoice_date": SQL("b.invoice_date"),
        "date": SQL("b.invoice_date"),
        "invoice_date_due": SQL("b.due"),
        "payment_state": SQL("CASE WHEN b.residual < b.amount THEN 'partial' ELSE 'not_paid' END"),
        "inalterable_hash": SQL("NULL"),
        "secure_sequence_number": SQL("NULL"),
        "access_token": SQL("NULL"),
        "invoice_partner_display_name": SQL("'Bench Customer'"),
    }
    columns = _columns(env, "account_move")
    exprs = []
    for column in columns:
        if column in special:
            exprs.append(special[column])
        elif column.startswith("amount_residual"):
            exprs.append(SQL("t.%s * %s", SQL.identifier(column), residual_factor))
        elif column.startswith("amount_"):
            exprs.append(SQL("t.%s * %s", SQL.identifier(column), factor))
        else:
            exprs.append(SQL("t.%s", SQL.identifier(column)))
    env.cr.execute(
        SQL(
            "INSERT INTO account_move (%s) SELECT %s FROM account_move t, bench_inv b"
            " WHERE t.id = %s ORDER BY b.seq",
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(exprs),
            template.id,
        )
    )


def _clone_lines(env, template):
    factor = SQL("(b.amount / %s)", TEMPLATE_AMOUNT)
    is_term = SQL("t.display_type = 'payment_term'")
    special = {
        "move_id": SQL("m.id"),
        "move_name": SQL("m.name"),
        "partner_id": SQL("b.partner_id"),
        "date": SQL("b.invoice_date"),
        "invoice_date": SQL("b.invoice_date"),
        "date_maturity": SQL("CASE WHEN %s THEN b.due ELSE t.date_maturity END", is_term),
        "amount_residual": SQL("CASE WHEN %s THEN b.residual ELSE t.amount_residual END", is_term),
        "amount_residual_currency": SQL(
            "CASE WHEN %s THEN b.residual ELSE t.amount_residual_currency END", is_term
        ),
    }
    scaled = {
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "price_unit",
        "price_subtotal",
        "price_total",
    }
    columns = _columns(env, "account_move_line")
    exprs = []
    for column in columns:
        if column in special:
            exprs.append(special[column])
        elif column in scaled:
            exprs.append(SQL("t.%s * %s", SQL.identifier(column), factor))
        else:
            exprs.append(SQL("t.%s", SQL.identifier(column)))
    env.cr.execute(
        SQL(
            """
            INSERT INTO account_move_line (%s)
            SELECT %s
              FROM account_move_line t, bench_inv b
              JOIN account_move m ON m.name = 'BNCH/' || lpad(b.seq::text, 7, '0')
                                 AND m.journal_id = %s
             WHERE t.move_id = %s
            """,
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(exprs),
            template.journal_id.id,
            template.id,
        )
    )


PROFILE = False


def measure_compute(cr, func, repeat):
    """Run ``func`` ``repeat`` times, each in a savepoint rolled back but the last's, after one
    more run, rolled back too, that measures its peak Python memory: prints the median and the
    minimum wall time, the SQL queries and the peak memory; returns the last run's result."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    with cr.savepoint(flush=False) as savepoint:
        tracemalloc.start()
        func()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        savepoint.rollback()
    env.invalidate_all()
    times = []
    for index in range(repeat):
        last = index == repeat - 1
        with cr.savepoint(flush=False) as savepoint:
            queries = odoo.sql_db.sql_counter
            start = time.perf_counter()
            result = func()
            env.flush_all()
            times.append(time.perf_counter() - start)
            queries = odoo.sql_db.sql_counter - queries
            if not last:
                savepoint.rollback()
        if not last:
            env.invalidate_all()
    times.sort()
    print(
        f"  compute  wall {times[len(times) // 2]:8.2f} s (median of {repeat}, min "
        f"{times[0]:.2f} s)   SQL queries {queries:6d}   peak Python memory "
        f"{peak / 2**20:7.1f} MiB"
    )
    return result


def measure(label, func):
    if PROFILE:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        inner = func

        def func():
            profiler.enable()
            try:
                return inner()
            finally:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    tracemalloc.start()
    queries = odoo.sql_db.sql_counter
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    queries = odoo.sql_db.sql_counter - queries
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  {label:<8} wall {elapsed:8.2f} s   SQL queries {queries:8d}   "
        f"peak Python memory {peak / 2**20:7.1f} MiB"
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--no-send", action="store_true", help="measure the compute phase only")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each phase")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of the compute phase (default: 3)"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=0,
        help="communications per send batch (default: the company's Dunning setting)",
    )
    parser.add_argument(
        "--batches", type=int, default=0, help="send that many batches only (default: all)"
    )
    args = parser.parse_args()
    global PROFILE
    PROFILE = args.profile

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    today = date.today()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        start = time.perf_counter()
        build_dataset(env, args.customers, args.invoices, today)
        cr.commit()
        cr.execute("ANALYZE")
        open_moves = env["account.move"].search_count(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
        )
        overdue = env["account.move"].search_count(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date_due", "<", today),
            ]
        )
        print(
            f"Dataset: {args.customers} customers, {open_moves} posted invoices "
            f"({overdue} overdue), built in {time.perf_counter() - start:.1f} s"
        )

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        run = env["account.dunning.run"].create({"company_id": env.company.id, "date": today})
        cr.commit()
        print("One full dunning run:")
        if PROFILE:
            comms = measure("compute", run._generate_communications)
        else:
            comms = measure_compute(cr, run._generate_communications, max(args.repeat, 1))
        cr.commit()
        print(
            f"           {len(comms)} communications, "
            f"{len(comms.line_ids)} invoice lines created"
        )
        if not args.no_send:
            # wkhtmltopdf fetches the report styles from Odoo's HTTP server
            from bench.bench_documents import _start_server

            server, url = _start_server(args.config, args.database)
            env["ir.config_parameter"].set_param("report.url", url)
            cr.commit()
            Communication = env["account.dunning.communication"]

            batch_size = args.batch_size or env.company.dunning_send_batch_size
            times = []

            def send_all():
                sent = 0
                domain = env["account.dunning.run"]._get_sending_queue_domain()
                while batch := Communication.search(domain, limit=batch_size):
                    start = time.perf_counter()
                    batch._send()
                    cr.commit()  # committed batches, as the scheduled action does
                    times.append(time.perf_counter() - start)
                    sent += len(batch)
                    if args.batches and len(times) >= args.batches:
                        break
                return sent

            sent = measure("send", send_all)
            states = Communication.read_group([("run_id", "=", run.id)], ["state"], ["state"])
            print(
                f"           {sent} processed: "
                + ", ".join(f"{g['state_count']} {g['state']}" for g in states)
            )
            if times:
                print(
                    f"           {len(times)} batch(es) of {batch_size}: "
                    f"min {min(times):.1f} s, mean {sum(times) / len(times):.1f} s, "
                    f"max {max(times):.1f} s per batch"
                )
            server.terminate()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak resident memory of the process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
