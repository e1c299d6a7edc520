"""The simulated Bluesky: a PLC directory, a PDS and an AppView (XRPC) on loopback, and Jetstream."""
