# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, models


class ReportDunningLetter(models.AbstractModel):
    """Values of the reminder letters: computed once for the whole batch being printed."""

    _name = "report.account_dunning_fr.report_dunning_letter"
    _description = "Dunning Letter Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["account.dunning.communication"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "account.dunning.communication",
            "docs": docs,
            "doc_values": docs._get_document_values(),
        }
