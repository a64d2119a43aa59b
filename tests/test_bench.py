"""The benchmark command, in its quick mode: it starts the real app, drives it and writes its reports."""

import json

from ae_demo import bench
from ae_demo.ui.worker_pool import workers_from_environment


def test_quick_benchmark_writes_reports(tmp_path):
    assert bench.main(["--out", str(tmp_path), "--quick"]) == 0

    results = json.loads((tmp_path / "benchmark.json").read_text())
    for event in bench.EVENT_KINDS:
        assert results["handler_ms"][event]["p50"] > 0, event
    assert results["round_trip_ms"]["single"]["p50"] > 0
    assert results["round_trip_ms"]["single"]["p95"] >= results["round_trip_ms"]["single"]["p50"]
    for count in bench.QUICK.concurrent_clients:
        assert results["round_trip_ms"][f"concurrent_{count}"]["count"] > 0
        assert results["errors"][f"concurrent_{count}"] == 0
        assert "decode" not in results["concurrent"][str(count)]["by_event"], "the page decodes slider moves"
    largest = max(bench.QUICK.concurrent_clients)
    together = results["concurrent_together"]
    assert together["start"] == "together"
    assert results["concurrent"][str(largest)]["start"] == "staggered"
    assert results["round_trip_ms"][f"together_{largest}"]["count"] > 0
    assert results["errors"][f"together_{largest}"] == 0
    assert results["workers"] == workers_from_environment()
    assert results["workers_ready_s"] > results["cold_start_s"], "the workers start after the page is served"
    run = results["concurrent"][str(largest)]
    assert 0 < run["serving_process_cores"] < run["server_cores"], "the workers' CPU time counts for the server"
    browser = results["browser_decode_ms"]
    if browser["count"]:
        assert browser["count"] == bench.BROWSER_DECODE_REPEATS
        assert browser["p50"] > 0
    else:
        assert "Chromium" in browser["skipped"] or "playwright" in browser["skipped"]
    floor = results["floor"]
    assert floor["clients"] == max(bench.QUICK.concurrent_clients)
    assert floor["all"]["count"] > 0
    assert floor["errors"] == 0
    assert floor["together"]["all"]["count"] > 0
    assert results["memory_mb"]["before"] > 0
    assert results["memory_mb"]["after"] > 0
    assert 0 < results["cold_start_s"] < bench.STARTUP_TIMEOUT_SECONDS
    assert results["capacity"]["students_per_core"] > 0
    assert len(results["targets"]) == 7
    markdown = (tmp_path / "benchmark.md").read_text()
    assert "## Beyond one machine" in markdown
    assert "### Gradio alone" in markdown
    assert results["command"] in markdown
    assert results["capacity"]["floor_server_cpu_ms_per_event"] > 0
    assert results["capacity"]["serving_ceiling_students"] > 0
    assert f"| {largest} students starting together |" in markdown

    (tmp_path / "benchmark.md").unlink()
    assert bench.main(["--out", str(tmp_path), "--report-only"]) == 0
    assert (tmp_path / "benchmark.md").read_text() == markdown


def test_tuning_step_recorded_in_report(tmp_path):
    assert (
        bench.main(
            [
                "--out",
                str(tmp_path),
                "--quick",
                "--tuning-step",
                "current app",
                "--note",
                "the app as it is",
                "--slider-on-server",
                "--together",
            ]
        )
        == 0
    )

    steps = json.loads((tmp_path / "tuning.json").read_text())
    assert [step["name"] for step in steps] == ["current app"]
    assert steps[0]["commit"]
    assert steps[0]["start"] == "together"
    for count in bench.QUICK.concurrent_clients:
        run = steps[0]["concurrent"][str(count)]
        assert run["all"]["count"] > 0
        assert run["errors"] == 0
        assert run["by_event"]["decode"]["count"] > 0, "--slider-on-server sends slider moves to the server"

    markdown = "\n".join(bench.tuning_markdown(steps))
    assert "## What each change bought" in markdown
    assert "| current app |" in markdown
    assert "| together |" in markdown
    assert "- current app: the app as it is" in markdown


def test_command_records_worker_setting(monkeypatch):
    monkeypatch.setenv("AE_DEMO_WORKERS", "2")
    assert bench.bench_command(["--out", "reports"]) == "AE_DEMO_WORKERS=2 python -m ae_demo.bench --out reports"
    monkeypatch.delenv("AE_DEMO_WORKERS")
    assert bench.bench_command(["--quick"]) == "python -m ae_demo.bench --quick"
