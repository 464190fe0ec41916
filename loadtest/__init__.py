"""drawsite's load benchmark: ``python -m loadtest`` starts its own servers on 127.0.0.1 and replays real drawings.

Modules: ``replay`` (real drawings -> the messages the page sends), ``client`` (one simulated drawer over a
websocket), ``servers`` (throwaway Daphne / PostgreSQL / Redis processes), ``procstat`` (server CPU
and memory from /proc), ``stats`` (percentiles and result rows), ``baseline`` (the tutorial flow's
client), ``scenarios`` (what a run measures), ``report`` (the table).
"""
