"""Pip packaging of the addon: ``pip install .`` gives odoo.addons.account_dunning_fr."""

import ast
from pathlib import Path

from setuptools import setup

ADDON = "account_dunning_fr"
here = Path(__file__).parent
manifest = ast.literal_eval((here / ADDON / "__manifest__.py").read_text(encoding="utf-8"))

packages, package_dir, package_data = [], {}, {}
for init in sorted((here / ADDON).rglob("__init__.py")):
    rel = init.parent.relative_to(here)
    name = "odoo.addons." + ".".join(rel.parts)
    packages.append(name)
    package_dir[name] = str(rel)
package_data["odoo.addons." + ADDON] = [
    str(p.relative_to(here / ADDON))
    for p in (here / ADDON).rglob("*")
    if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
]

setup(
    name=f"odoo-addon-{ADDON}",
    version=manifest["version"],
    description=manifest["summary"],
    long_description=(here / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    author=manifest["author"],
    url=manifest["website"],
    license=manifest["license"],
    packages=packages,
    package_dir=package_dir,
    package_data=package_data,
    include_package_data=False,
    install_requires=["odoo==18.0.*"],
    python_requires=">=3.10",
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Affero General Public License v3",
        "Programming Language :: Python :: 3",
    ],
    zip_safe=False,
)
