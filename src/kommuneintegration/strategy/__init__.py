"""The strategy floor: what a city's documents say, as typed data.

``models`` (the attrs value objects of a strategy), ``schema`` (the cattrs converter
and the data-file problems), ``datafile`` (strategy TOML files: load, check, dump),
``catalogue`` (the shared indicators, topics and concepts), ``series`` (what one
series of figures is) and ``derive`` (gaps, changes and shortfalls derived from two
figures). Everything above builds on it; it imports nothing above it.
"""
