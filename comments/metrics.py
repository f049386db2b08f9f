"""`/metrics`: the queue's timeliness for the operator's Prometheus scraper.

Every figure is read from the database when scraped, so any worker of any
instance answers the same (the application keeps no state of its own). The
decision histogram covers the decisions of the last 24 hours.
"""

import ipaddress
from functools import cache as memoize

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

from briefing.accounts.addresses import client_address

from .timeliness import queue_state

# Upper bounds, in seconds, of the decision histogram's buckets.
DECISION_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400]


@memoize
def _allowed_networks(entries: tuple[str, ...]):
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"BRIEFING_METRICS_ALLOWED holds an entry that is neither an address "
            f"nor a network: {error}"
        ) from error


def may_scrape(request: HttpRequest) -> bool:
    """Whether the request comes from an address `BRIEFING_METRICS_ALLOWED`
    lists (through trusted proxies, as `client_address` reads it)."""
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    networks = _allowed_networks(tuple(settings.BRIEFING_METRICS_ALLOWED))
    return any(address in network for network in networks)


class QueueCollector:
    def describe(self):
        # Nothing to read when registered: the figures are read on a scrape.
        return []

    def collect(self):
        state = queue_state()
        yield GaugeMetricFamily(
            "briefing_queue_pending",
            "Comments awaiting a moderator's decision.",
            value=state.pending,
        )
        yield GaugeMetricFamily(
            "briefing_queue_reported",
            "Comments with open reports awaiting a decision.",
            value=state.reported,
        )
        yield GaugeMetricFamily(
            "briefing_queue_oldest_pending_seconds",
            "How long the oldest pending comment has waited (0 when none).",
            value=state.oldest_pending_seconds,
        )
        buckets = [
            (
                str(float(bound)),
                sum(1 for seconds in state.decisions if seconds <= bound),
            )
            for bound in DECISION_BUCKETS
        ]
        buckets.append(("+Inf", len(state.decisions)))
        yield HistogramMetricFamily(
            "briefing_decision_seconds",
            "Time from a comment being held to a moderator's decision, "
            "over the decisions of the last 24 hours.",
            buckets=buckets,
            sum_value=sum(state.decisions),
        )


@never_cache
@require_safe
def metrics(request):
    """Prometheus metrics of the moderation queue; 403 to any address not in
    `BRIEFING_METRICS_ALLOWED`."""
    if not may_scrape(request):
        return HttpResponseForbidden(
            "Metrics are for the operator's scraper.", content_type="text/plain"
        )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(QueueCollector())
    # The classic text format, which every Prometheus version reads.
    return HttpResponse(
        generate_latest(registry), content_type=CONTENT_TYPE_PLAIN_0_0_4
    )
