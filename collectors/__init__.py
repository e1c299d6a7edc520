"""Platform collectors: fetch from a platform and turn its answers into normalised records."""
