"""The decisions: records of what was stored and observed in, changes, events and findings out.

Pure: no query, no network, no clock read (docs/architecture.md §4).
"""
