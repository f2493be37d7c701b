"""Benchmark of batch printing: 500 reminder letters in one PDF.

Run through ``bench/run documents`` (fresh database), or directly:
    python -m bench.bench_documents -c .local/odoo.conf -d DB --letters 500

Builds customers with overdue invoices (the dataset of ``bench_dunning``), computes one dunning
run, starts an Odoo HTTP server on a free port so that wkhtmltopdf loads the report styles as in
production, then prints, for the same letters:

- Odoo: one ``_render_qweb_pdf`` call for all the letters (QWeb rendering + one wkhtmltopdf call);
- wkhtmltopdf alone on the very HTML files and arguments Odoo gave it;
- one PDF per letter (what OCA's credit control does), on a sample, extrapolated.

Pages are counted in the PDFs; ``report.print_delay`` (the JavaScript delay Odoo gives every
wkhtmltopdf call) is printed, since it is paid once per call.
"""

import argparse
import io
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from datetime import date

import odoo
from odoo import SUPERUSER_ID, api
from odoo.addons.base.models.ir_actions_report import IrActionsReport as BaseReport
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin
from odoo.tools.pdf import PdfFileReader

from .bench_dunning import build_dataset

REPORT = "account_dunning_fr.report_dunning_letter"
PRINT_DELAY_PARAM = "account_dunning_fr.print_delay"  # see models/ir_actions_report.py


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(config, database):
    port = _free_port()
    server = subprocess.Popen(
        [
            shutil.which("odoo") or "odoo",
            "-c",
            config,
            "-d",
            database,
            f"--db-filter=^{database}$",
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"{url}/web/login", timeout=5)
            return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("The Odoo HTTP server did not start")


def _pages(pdf):
    return len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--sample", type=int, default=20, help="letters printed one by one")
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    today = date.today()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        customers = args.letters + args.letters // 5
        build_dataset(env, customers, customers * 6, today)
        run = env["account.dunning.run"].create({"company_id": env.company.id, "date": today})
        comms = run._generate_communications()[: args.letters]
        cr.commit()
        print(
            f"Dataset: {customers} customers, {len(comms)} communications to print "
            f"({len(comms.line_ids)} invoice lines)"
        )

    server, url = _start_server(args.config, args.database)
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param("report.url", url)
            delay = env["ir.config_parameter"].get_param("report.print_delay", "1000")
            dunning_delay = env["ir.config_parameter"].get_param(PRINT_DELAY_PARAM, "0")
            Report = env["ir.actions.report"]
            comms = env["account.dunning.communication"].browse(comms.ids)
            Report._render_qweb_pdf(REPORT, comms[:1].ids)  # warm-up: assets bundle, templates

            # Record what is handed to wkhtmltopdf (after the addon's preparation, at the base
            # method), to run wkhtmltopdf alone on it afterwards.
            calls = []
            base_class = BaseReport
            run_wkhtmltopdf = base_class._run_wkhtmltopdf

            def recording(self, bodies, **kwargs):
                start = time.perf_counter()
                pdf = run_wkhtmltopdf(self, bodies, **kwargs)
                calls.append((self, bodies, kwargs, time.perf_counter() - start))
                return pdf

            base_class._run_wkhtmltopdf = recording
            try:
                start = time.perf_counter()
                pdf, _type = Report._render_qweb_pdf(REPORT, comms.ids)
                batch_time = time.perf_counter() - start
            finally:
                base_class._run_wkhtmltopdf = run_wkhtmltopdf
            pages = _pages(pdf)
            (reports, bodies, kwargs, wk_time) = calls[0]
            print(
                f"report.print_delay: {delay} ms (Odoo's wait after loading each document); "
                f"dunning documents wait {dunning_delay} ms; report.url {url}"
            )
            print(
                f"Odoo, one request:      {len(comms)} letters, {pages} pages, "
                f"{batch_time:7.2f} s  -> {pages / batch_time:6.2f} pages/s "
                f"({len(calls)} wkhtmltopdf call, {wk_time:.2f} s of it in wkhtmltopdf)"
            )

            paperformat = Report._get_report(REPORT).get_paperformat()
            command = reports._build_wkhtmltopdf_args(
                paperformat,
                kwargs.get("landscape"),
                specific_paperformat_args=kwargs.get("specific_paperformat_args"),
                set_viewport_size=kwargs.get("set_viewport_size"),
            )
            with tempfile.TemporaryDirectory() as tmp:
                files = []
                for name in ("header", "footer"):
                    if kwargs.get(name):
                        path = os.path.join(tmp, f"{name}.html")
                        with open(path, "w", encoding="utf-8") as handle:
                            handle.write(kwargs[name])
                        files += [f"--{name}-html", path]
                for index, body in enumerate(bodies):
                    path = os.path.join(tmp, f"body{index:04d}.html")
                    with open(path, "w", encoding="utf-8") as handle:
                        handle.write(body)
                    files.append(path)
                output = os.path.join(tmp, "direct.pdf")
                start = time.perf_counter()
                subprocess.run(
                    [_get_wkhtmltopdf_bin(), *command, *files, output],
                    capture_output=True,
                    check=False,
                )
                direct_time = time.perf_counter() - start
                with open(output, "rb") as handle:
                    direct_pages = _pages(handle.read())
            print(
                f"wkhtmltopdf alone:      same HTML, {direct_pages} pages, "
                f"{direct_time:7.2f} s  -> {direct_pages / direct_time:6.2f} pages/s"
            )

            sample = comms[: args.sample]
            start = time.perf_counter()
            sample_pages = sum(_pages(Report._render_qweb_pdf(REPORT, [c])[0]) for c in sample.ids)
            single_time = (time.perf_counter() - start) / len(sample)
            print(
                f"One PDF per letter:     {len(sample)} letters, {sample_pages} pages, "
                f"{single_time:7.2f} s per letter -> {sample_pages / len(sample) / single_time:6.2f}"
                f" pages/s; {len(comms)} letters would take {single_time * len(comms):.0f} s"
            )
            # The same, one PDF per letter, waiting Odoo's print delay as any other report does.
            env["ir.config_parameter"].set_param(PRINT_DELAY_PARAM, delay)
            start = time.perf_counter()
            stock_pages = sum(_pages(Report._render_qweb_pdf(REPORT, [c])[0]) for c in sample.ids)
            stock_time = (time.perf_counter() - start) / len(sample)
            print(
                f"Same, Odoo's delay:     {len(sample)} letters, {stock_pages} pages, "
                f"{stock_time:7.2f} s per letter; {len(comms)} letters would take "
                f"{stock_time * len(comms):.0f} s"
            )
            cr.rollback()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
