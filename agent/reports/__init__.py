"""Weekly acceptance reports: statistics, report data, renderers, charts."""
