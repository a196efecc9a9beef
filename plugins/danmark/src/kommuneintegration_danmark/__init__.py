"""Hele landet (000): the Integrationsbarometer as a national reference for kommuneintegration.

Everything is in ``data/``: ``plugin.toml`` (the country and the report it
cites) and ``data/strategies/integrationsbarometer.toml``.
"""

from kommuneintegration.dataplugin import DataPlugin

plugin = DataPlugin(__name__)
