"""The one timestamp an edition carries, so that builds are reproducible."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..language.dates import parse_iso
from ..model import Article

EPOCH_FALLBACK = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # the earliest time a zip entry can hold
LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc)  # the latest one
# SOURCE_DATE_EPOCH as the process that started a batch had it: its workers (a fork server's children keep
# the environment of when it started; a cluster's workers have their own) build with that one
BATCH_EPOCH: ContextVar[str | None] = ContextVar("batch_source_date_epoch", default=None)


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH of this build: the batch's in one of its workers, else this process's."""
    given = BATCH_EPOCH.get()
    return (given if given is not None else os.environ.get("SOURCE_DATE_EPOCH", "")).strip()


@contextmanager
def batch_epoch(epoch: str | None) -> Iterator[None]:
    """Build inside the block with the batch's SOURCE_DATE_EPOCH ('' when it had none; None: this process's)."""
    token = BATCH_EPOCH.set(epoch)
    try:
        yield
    finally:
        BATCH_EPOCH.reset(token)


def edition_time(article: Article) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the article's date, else a fixed date: never the clock."""
    epoch = source_date_epoch()
    if epoch.isdigit():
        return within_zip_range(dt.datetime.fromtimestamp(min(int(epoch), int(LATEST.timestamp())),
                                                          tz=dt.timezone.utc))
    for iso in (article.date, article.first_published.date if article.first_published else ""):
        parsed = parse_iso(iso)
        if parsed:
            day, _parts = parsed
            return within_zip_range(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc))
    return EPOCH_FALLBACK


def within_zip_range(when: dt.datetime) -> dt.datetime:
    """Clamp to the times a zip entry can record (1980 to 2107)."""
    return min(LATEST, max(EPOCH_FALLBACK, when))
