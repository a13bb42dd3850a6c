"""Decision 0175: the stages listed in `stages.PAUSED_STAGES` run with the cycle
collector off and leave it on; run_direct and the flow call them by those names."""

from __future__ import annotations

import gc
import inspect

import pytest

from flows import stages


def test_every_paused_stage_runs_with_the_collector_off():
    from flows.collector import collector_paused

    for name in stages.PAUSED_STAGES:
        wrapped = getattr(stages, name)
        assert wrapped.__wrapped__.__name__ == name
        # `collector_paused()` as a decorator: the stage itself, inside the pause
        closure = inspect.getclosurevars(wrapped).nonlocals
        assert closure["func"] is wrapped.__wrapped__, name
        assert closure["self"].func is collector_paused.__wrapped__, name
    seen = {}
    probe = stages.collector_paused()(lambda: seen.setdefault("on", gc.isenabled()))
    assert gc.isenabled()
    probe()
    assert seen == {"on": False} and gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        stages.collector_paused()(lambda: 1 / 0)()
    assert gc.isenabled()


def test_run_direct_and_the_flow_call_the_paused_stages_by_name():
    from flows.orchestration import pipeline, render_phase, stage_tasks

    direct = inspect.getsource(stages.run_direct)
    flow = "".join(inspect.getsource(part) for part in (pipeline, stage_tasks, render_phase))
    for name in stages.PAUSED_STAGES:
        assert f"{name}(" in direct, name
        assert f"stages.{name}(" in flow, name
