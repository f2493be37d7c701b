# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import json

import lxml.html

from odoo import api, models

PRINT_DELAY_PARAM = "account_dunning_fr.print_delay"
FORMAL_NOTICE_REPORT = "account_dunning_fr.report_dunning_formal_notice"
# Containers of Odoo's merged headers and footers (web.minimal_layout), and the variable its
# script uses to pick the header or footer of each document.
LAYOUT_CONTAINERS = (
    ("minimal_layout_report_headers", "header"),
    ("minimal_layout_report_footers", "footer"),
)


def dedupe_layout(html):
    """The header or footer file of a wkhtmltopdf call with its identical parts kept once.

    Odoo puts the header (or footer) of every document of the call in one file, which
    wkhtmltopdf loads for every page: 500 letters on the same letterhead make an 8 MB file,
    parsed 700 times. Identical parts are kept once, and the script that picks the part of each
    document goes through an index map instead."""
    if not html:
        return html
    root = lxml.html.document_fromstring(html)
    maps = {}
    for container_id, variable in LAYOUT_CONTAINERS:
        container = root.get_element_by_id(container_id, None)
        if container is None or len(container) < 2:
            continue
        positions, mapping = {}, []
        for child in list(container):
            key = lxml.html.tostring(child)
            if key in positions:
                container.remove(child)
            else:
                positions[key] = len(positions)
            mapping.append(positions[key])
        if len(positions) < len(mapping):
            maps[variable] = mapping
    if not maps:
        return html
    result = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    for variable, mapping in maps.items():
        result = result.replace(
            f"{variable}.children[index]", f"{variable}.children[{json.dumps(mapping)}[index]]"
        )
    return result


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, header=None, footer=None, **kwargs):
        """Batch printing of the dunning documents, made fast:

        - wkhtmltopdf waits ``report.print_delay`` (1 s by default) after loading each
          document; the dunning documents run no script and wait
          ``account_dunning_fr.print_delay`` milliseconds instead (default 0);
        - the letterhead repeated for every document is kept once (see ``dedupe_layout``)."""
        report = self._get_report(report_ref) if report_ref else self
        reports = self
        if report and report.report_name.startswith("account_dunning_fr."):
            delay = self.env["ir.config_parameter"].sudo().get_param(PRINT_DELAY_PARAM, "0")
            reports = self.with_context(dunning_print_delay=delay)
            header, footer = dedupe_layout(header), dedupe_layout(footer)
        return super(IrActionsReport, reports)._run_wkhtmltopdf(
            bodies, report_ref=report_ref, header=header, footer=footer, **kwargs
        )

    @api.model
    def _build_wkhtmltopdf_args(
        self,
        paperformat_id,
        landscape,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        delay = self.env.context.get("dunning_print_delay")
        if delay is not None and "--javascript-delay" in args:
            args[args.index("--javascript-delay") + 1] = str(delay)
        return args

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Formal notices enclose what they say they enclose: the PDF of each of their
        invoices is appended to the notice."""
        streams = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        if res_ids and self._get_report(report_ref).report_name == FORMAL_NOTICE_REPORT:
            comms = self.env["account.dunning.communication"].browse(
                [res_id for res_id in streams if res_id]
            )
            comms._append_enclosures(streams)
        return streams
