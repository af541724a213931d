"""Domain-free helpers both apps may import: numbers (parse and format, Swedish and English),
spreadsheet writing (CSV/XLSX, formula-safe), the admin's import/export formats, streamed CSV,
and the data-version cache plumbing. Nothing here imports members, indicators or ekokommun.
"""
