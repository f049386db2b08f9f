import logging
import sys

import pytest
from django.db import OperationalError

from briefing.logging import ClientErrorsOnOneLine
from briefing.views import server_error


def _answer_while_raising(rf, error):
    request = rf.get("/articles/anything/")
    try:
        raise error
    except Exception:
        return server_error(request)


def test_database_outage_answers_503_with_retry_after(rf):
    response = _answer_while_raising(rf, OperationalError("connection refused"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Briefly unavailable" in response.content


def test_other_errors_answer_500(rf):
    response = _answer_while_raising(rf, ValueError("a bug"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.mark.parametrize(("status", "keeps_traceback"), [(503, False), (500, True)])
def test_outage_is_logged_on_one_line_but_a_500_keeps_its_traceback(
    status, keeps_traceback
):
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Error", None, True
        )
        record.exc_info = sys.exc_info()
    record.status_code = status

    ClientErrorsOnOneLine().filter(record)

    assert (record.exc_info is not None) is keeps_traceback
