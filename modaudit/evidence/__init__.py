"""The export for handing over: the package's data, its PDF and its verification guide."""
