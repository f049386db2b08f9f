"""Log filters: a client error is one line, a traceback means a server error."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """Drop the traceback from records about 4xx and 503 answers.

    Django logs a SuspiciousOperation (a bad Host, a 3 MB form) with its
    traceback; operators read a traceback as "a 500 happened", so a client's
    mistake keeps only its one-line message, and so does a 503 answered while
    the database is unreachable (an outage, not a bug).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        one_line = (status is not None and (400 <= status < 500 or status == 503)) or (
            record.name.startswith("django.security")
        )
        if one_line:
            record.exc_info = None
            record.exc_text = None
        return True
