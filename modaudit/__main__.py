"""`python -m modaudit` runs the command line."""

from modaudit.cli import main

main()
