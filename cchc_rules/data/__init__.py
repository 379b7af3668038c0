"""Datasets: reading folders and workbooks, checking them against a rulebook."""
