# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, models


class ReportDunningFormalNotice(models.AbstractModel):
    """Values of the formal notices: the same as the reminder letters'."""

    _name = "report.account_dunning_fr.report_dunning_formal_notice"
    _description = "Formal Notice Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        letters = self.env["report.account_dunning_fr.report_dunning_letter"]
        return letters._get_report_values(docids, data=data)
