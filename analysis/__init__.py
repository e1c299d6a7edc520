"""Stored observations → events → findings → report data. Reads the store; never calls a platform."""
