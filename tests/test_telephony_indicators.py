"""Commitment 16 of the Qualivilles framework names the phone metrics telephony registers
(telephony + commitments)."""

from commitments.frameworks import read_framework_file
from commitments.frameworks.loader import framework_path
from core.registries import METRICS
from telephony.metrics import ANSWER_RATE, ANSWERED_WITHIN_RINGS


def test_the_default_commitment_16_names_registered_metrics_with_their_params():
    framework = read_framework_file(framework_path("qualivilles"))
    indicators = [
        indicator
        for commitment in framework.commitments
        if commitment.code == "16"
        for indicator in commitment.indicators
    ]
    keys = {indicator.metric_key for indicator in indicators if indicator.metric_key.startswith("telephony.")}
    assert keys == {ANSWER_RATE, ANSWERED_WITHIN_RINGS}
    assert all(key in METRICS for key in keys)
