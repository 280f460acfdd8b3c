"""Benchmarks for the figures the issues name (``make bench``); never run by the test suite."""
