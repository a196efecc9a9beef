"""Københavns Kommune (101): strategy data for kommuneintegration.

Everything is in ``data/``: ``plugin.toml`` (municipality, target groups and the
country group "udvalgte MENAPT-lande") and one file per strategy document in
``data/strategies/``.
"""

from kommuneintegration.dataplugin import DataPlugin

plugin = DataPlugin(__name__)
