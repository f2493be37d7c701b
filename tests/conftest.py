"""pytest-odoo glue for the tests of account_dunning_fr (run by bin/test)."""

import pytest

import odoo.modules.module


@pytest.fixture(autouse=True)
def _odoo_under_test():
    """pytest-odoo 2.3 does not flag Odoo 18 as under test: without this, mail.send()
    would really try SMTP and reports would not know they run in tests."""
    previous = odoo.modules.module.current_test
    odoo.modules.module.current_test = True
    yield
    odoo.modules.module.current_test = previous
