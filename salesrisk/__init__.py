"""salesrisk: sales-risk judgments from the spreadsheets a sales company already has."""

from salesrisk.contracts import ContractReview, review_contracts
from salesrisk.errors import ConfigError, InputError, MissingFieldError, SalesriskError
from salesrisk.findings import CATALOGUE, Finding, findings_frame
from salesrisk.io.reader import Ledger, Table, read_ledger
from salesrisk.overdue import Overdue, age_receivables
from salesrisk.validate import Validation, validate_ledger

__version__ = "0.1.0"

__all__ = [
    "CATALOGUE", "ConfigError", "ContractReview", "Finding", "InputError", "Ledger", "MissingFieldError", "Overdue",
    "SalesriskError", "Table", "Validation", "age_receivables", "findings_frame", "read_ledger", "review_contracts", "validate_ledger",
]
