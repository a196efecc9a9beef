"""The analysis floor: the cities' strategies evaluated and compared.

``evaluation`` (a target's figures picked and its rule called), ``comparison`` (the
side-by-side view the renderers read), ``observations_csv`` (figures from a CSV file)
and ``cityfetch`` (what to fetch from the Statbank for the cities' own indicators).
"""
