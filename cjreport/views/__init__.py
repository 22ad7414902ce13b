"""What a chapter displays: quotations, tables, charts and the explorer, one display object for the book
(MyST) and for Jupyter (HTML)."""
