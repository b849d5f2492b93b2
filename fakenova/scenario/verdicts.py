"""What the scenario rules made of one request: every rule's verdict with its reason (:class:`Trace`, for the
request journal) and what the firing ones decided before dispatch (:class:`Decision`, for the HTTP layer).

The engine (``engine.py``) fills both; a verdict is replaced, never changed, as verdicts may be shared.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from . import model
from .matching import Probe, RuleIndex

#: the reason of a rule that applies when a lifecycle action begins, until one does
PENDING = "pending: applies when an action begins"


@dataclass
class Trace:
    """Every rule's verdict for one request: ``{rule key: (fired, reason)}``, in rule order."""

    probe: Probe
    verdicts: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    #: the loaded rules: those without a verdict were filed under another method by the index
    index: Optional[RuleIndex] = None

    def record(self, rule: model.Rule, fired: bool, reason: str) -> None:
        previous = self.verdicts.get(rule.key)
        if previous is not None and previous["fired"] and not fired:
            return  # a multi-server create: one firing is enough to say it fired
        if self.index is not None:
            self.verdicts[rule.key] = self.index.verdict(rule, fired, reason)
        else:
            self.verdicts[rule.key] = {"rule": rule.key, "effect": rule.then.effect.value, "fired": fired,
                                       "reason": reason}

    def entries(self) -> List[Dict[str, Any]]:
        """The verdicts for the journal; rules still waiting for an action say none began."""
        for key, verdict in self.verdicts.items():
            if verdict["reason"] == PENDING:  # verdicts may be shared: replaced, never changed
                self.verdicts[key] = {**verdict, "reason": "skipped: no lifecycle action began in this request"}
        if self.index is None or len(self.verdicts) == len(self.index.rules):
            return list(self.verdicts.values())
        return self.index.verdicts(self.probe.method, self.probe.service, self.verdicts)  # type: ignore[return-value]


@dataclass
class Decision:
    """What the rules decided before dispatch."""

    respond: Optional[Tuple[model.Rule, Dict[str, str]]] = None
    transport: Optional[model.Rule] = None
    pins: List[Tuple[model.Rule, Dict[str, str]]] = field(default_factory=list)
    lags: List[model.Rule] = field(default_factory=list)
    delay: float = 0.0  # seconds the firing ``delay`` rules add before the answer
