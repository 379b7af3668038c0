"""The documents people exchange: the criteria handbook, the self-assessment workbook, the results workbook.

Problem codes W7xx are defined in the module that raises them.
"""
