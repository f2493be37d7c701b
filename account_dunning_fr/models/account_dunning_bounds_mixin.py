# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, models
from odoo.exceptions import ValidationError

# What a PostgreSQL integer column holds: a value outside never reaches the database.
SQL_INTEGER_BOUNDS = (-(2**31), 2**31 - 1)


class AccountDunningBoundsMixin(models.AbstractModel):
    """Integer settings kept within sane bounds, refused with a message when entered.

    ``_dunning_bounds`` gives the (minimum, maximum) of the fields that have one; every other
    stored integer field the addon defines on the model is kept within what the database
    column holds. The
    values are checked before they are written (a value beyond the column would otherwise
    fail in the database with a traceback) and as constraints of the records."""

    _name = "account.dunning.bounds.mixin"
    _description = "Dunning Settings Bounds"

    # {field name: (minimum, maximum)}
    _dunning_bounds = {}

    @api.constrains(lambda self: list(self._dunning_get_bounds()))
    def _check_dunning_bounds(self):
        for record in self:
            record._dunning_check_bounds(
                {name: record[name] for name in record._dunning_get_bounds()}
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dunning_check_bounds(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._dunning_check_bounds(vals)
        return super().write(vals)

    @api.model
    def _dunning_get_bounds(self):
        """{field name: (minimum, maximum)} of the stored integer fields of the model."""
        bounds = {
            name: SQL_INTEGER_BOUNDS
            for name, field in self._fields.items()
            if field.type == "integer"
            and field.store
            and not field.compute
            and field._module == "account_dunning_fr"
        }
        bounds.update(self._dunning_bounds)
        return bounds

    @api.model
    def _dunning_check_bounds(self, values):
        """Raise a ValidationError naming the first of ``values`` ({field name: value}) out of
        its bounds."""
        for name, (minimum, maximum) in self._dunning_get_bounds().items():
            value = values.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                if not minimum <= value <= maximum:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: enter a value between %(minimum)s and %(maximum)s "
                            "(not %(value)s).",
                            field=self._fields[name]._description_string(self.env),
                            minimum=minimum,
                            maximum=maximum,
                            value=value,
                        )
                    )
