"""Event coding: actor names to canonical ids, and arms captures read from the event text.

The coding layer sits between the readers and everything downstream. It owns

* actor resolution (:mod:`sahelmodel.coding.actors`): the curated alias table and place/time
  rules that turn the names event datasets write into canonical ids, used by the readers and
  by the capture coder alike, so an id read from the text and an id read from an actor field
  are the same id;
* arms-capture coding (:mod:`sahelmodel.coding.captures`): which events report a seizure of
  arms, ammunition, explosives, military equipment or armed actors' vehicles, who took them,
  from whom, of what, with a confidence and the words that say so;
* review and correction (:mod:`sahelmodel.coding.review`): a review table for researchers to
  audit the coding, and a corrections file applied over the automatic coding.

The one entry point for a table of events is :func:`code_captures`; :func:`parse_capture`
codes a single text. The codebook the coder follows is documented in
:mod:`sahelmodel.coding.captures`.
"""

from sahelmodel.coding.actors import (
    ActorRegistry,
    actor_id,
    actor_kind,
    actor_rules,
    alias_table,
    default_registry,
    resolve_actors,
)
from sahelmodel.coding.captures import (
    MATERIEL_CLASSES,
    CaptureItem,
    CaptureResult,
    capture_results,
    code_captures,
    code_captures_slow,
    materiel_lexicon,
    parse_capture,
)
from sahelmodel.coding.review import (
    apply_corrections,
    read_corrections,
    review_table,
    write_review,
)

__all__ = [
    "MATERIEL_CLASSES",
    "ActorRegistry",
    "CaptureItem",
    "CaptureResult",
    "actor_id",
    "actor_kind",
    "actor_rules",
    "alias_table",
    "apply_corrections",
    "capture_results",
    "code_captures",
    "code_captures_slow",
    "default_registry",
    "materiel_lexicon",
    "parse_capture",
    "read_corrections",
    "resolve_actors",
    "review_table",
    "write_review",
]
