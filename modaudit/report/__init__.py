"""The weekly report and every text a manager reads: its data, rendering, templates and words."""
