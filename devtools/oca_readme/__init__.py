# oca-gen-addon-readme of OCA/maintainer-tools (AGPL-3.0; _hash.py LGPL-3.0), the commit pinned by
# OCA's repository template for Odoo 18.0: b89f767503be6ab2b11e4f50a7557cb20066e667. The package
# (oca-maintainers-tools) is not published on the package index, so its generator, the modules it
# imports and its template are copied here unchanged. Run it with bin/readme.
