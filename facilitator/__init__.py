"""facilitator: run a LAN Innovation Lab (Laboratorium Inovasi) offline, from a terminal."""

__version__ = "0.1.0"
