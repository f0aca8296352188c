"""attio-cli: replay Segment events into the Attio CRM."""

__version__ = "0.1.0"
