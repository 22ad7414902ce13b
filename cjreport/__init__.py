"""cjreport: the code behind the book — load and verify data/, present quotations, tables and charts."""

from .errors import DataError
from .evidence import Evidence, load

__all__ = ["DataError", "Evidence", "load"]
