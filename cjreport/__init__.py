"""cjreport: the code behind the book — load and verify data/, present quotations, tables and charts."""

from cjreport.data.errors import DataError
from cjreport.data.evidence import Evidence, load

__all__ = ["DataError", "Evidence", "load"]
