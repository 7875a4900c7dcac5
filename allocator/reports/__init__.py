"""Reports: results turned into what people read — summary.json, files, the terminal, the
workbook and the board pack. A report reads results; it never solves.
"""
