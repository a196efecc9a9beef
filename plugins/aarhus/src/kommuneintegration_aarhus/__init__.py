"""Aarhus Kommune (751): strategy data for kommuneintegration.

Everything is in ``data/``: ``plugin.toml`` (municipality and target groups) and
one file per strategy document in ``data/strategies/``.
"""

from kommuneintegration.dataplugin import DataPlugin

plugin = DataPlugin(__name__)
