"""What one alert run did: its matching and its deliveries, as `monitor alerts run` and the
schedule's log say it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RunReport:
    articles: int = 0  # queued articles matched
    rules: int = 0
    case_events: int = 0  # queued case events (new stages and figures) matched
    follow_rules: int = 0  # rules that follow a case, an organisation or a place
    alerts: dict[str, int] = field(default_factory=dict)  # new, by rule
    delivered: dict[str, int] = field(default_factory=dict)  # by channel
    retrying: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)  # channel not configured
    why: dict[str, str] = field(default_factory=dict)  # by channel: its last failed try, and to whom

    def lines(self) -> list[str]:
        alerts = sum(self.alerts.values())
        by_rule = ", ".join(f"{name} {n}" for name, n in sorted(self.alerts.items()) if n)
        lines = [
            f"matched {self.articles} new articles against {self.rules} rules: {alerts} alerts"
            + (f" ({by_rule})" if alerts else "")
        ]
        if self.case_events:
            lines.append(
                f"matched {self.case_events} new case stages and figures against {self.follow_rules} follow rules"
            )
        for label, counts in (
            ("delivered", self.delivered),
            ("to retry later", self.retrying),
            ("FAILED (gave up)", self.failed),
            ("waiting (MONITOR_SMTP_HOST not set)", self.waiting),
        ):
            for channel, n in sorted(counts.items()):
                why = f" (last try: {self.why[channel]})" if label != "delivered" and channel in self.why else ""
                lines.append(f"{channel}: {n} {label}{why}")
        return lines
