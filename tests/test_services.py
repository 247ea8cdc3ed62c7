"""services: the catalogue listed, and one service shown with the rules that recommend it."""

from __future__ import annotations

from .conftest import invoke_cli


def test_services_lists_and_shows() -> None:
    """`services` lists the catalogue; `services ID` shows one with the rules that recommend it."""
    code, out, _ = invoke_cli("services")
    assert code == 0 and "Step 1: Establish collaborative commitments" in out and "teacher-leader-pipeline" in out
    code, out, _ = invoke_cli("services", "interest-based-bargaining")
    assert code == 0
    assert "Delivery:      training, facilitating" in out
    assert "K3-adversarial-relationship" in out and "K3-no-interest-based-experience" in out
    code, _, err = invoke_cli("services", "interest-based")
    assert code == 2 and "did you mean 'interest-based-bargaining'" in err
