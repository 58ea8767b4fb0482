"""Duet's build driver, split by concern; ./build.py is the command line."""
