"""The base every layer stands on: the schema, the settings, the clock. Imports nothing of ours."""

__version__ = "0.1.0"
