"""The staff portal: managers review findings, auditors read them, operators watch collection."""
