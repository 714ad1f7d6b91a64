"""Readers and writers for the spreadsheet formats sheetsync handles."""
