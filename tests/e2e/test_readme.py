"""README.md's counts of the ready inputs against the code as it is: the table of inputs/*.opts (records, and those
skipped by design) against each file's dry run, and the quick start's counts of the main job against a real run of
inputs/default.opts (its skips come from the exact propagation's precision guard, which only the run decides). The
skips only a longer run decides (decoherence.opts: 5 min) are stated apart in the table and not run here."""
import re

import pytest

from conftest import ROOT, run

README = (ROOT / "README.md").read_text()
INPUTS = sorted(p.name for p in (ROOT / "inputs").glob("*.opts"))


def table():
    """{file: (records, skipped by the dry run, skipped in the run)} from the README's table of ready inputs: cells
    '7', '1560 (157 skipped in the run)', '121 (7 skipped: 6 by the dry run, 1 more in the run)'."""
    rows = {}
    for line in README.splitlines():
        m = re.match(r"\| `(\w+\.opts)` \|.*\| (\d+)(?: \((.*)\))? \| [^|]+ \|$", line)
        if not m:
            continue
        total, note = int(m.group(2)), m.group(3) or ""
        if not note:
            rows[m.group(1)] = (total, 0, 0)
        elif re.fullmatch(r"\d+ skipped in the run", note):
            rows[m.group(1)] = (total, 0, int(note.split()[0]))
        else:
            k = re.fullmatch(r"(\d+) skipped: (\d+) by the dry run, (\d+) more in the run", note)
            assert k and int(k.group(1)) == int(k.group(2)) + int(k.group(3)), line
            rows[m.group(1)] = (total, int(k.group(2)), int(k.group(1)))
    return rows


def dry_run(name, tmp_path):
    """(records, would be skipped, would fail) as the dry run of inputs/<name> prints them."""
    p = run(0, "-options_file", f"inputs/{name}", "-output", tmp_path / "x.h5", "-dry_run", timeout=300)
    assert p.returncode == 0, p.stderr
    total = re.search(r"; (\d+) records\)$", p.stdout, re.M)
    assert total, p.stdout
    skipped = sum(int(n) for n in re.findall(r"; (\d+) would be skipped, \d+ would fail", p.stdout))
    fail = sum(int(n) for n in re.findall(r"would be skipped, (\d+) would fail", p.stdout))
    assert not (tmp_path / "x.h5").exists()
    return int(total.group(1)), skipped, fail


def test_every_ready_input_is_in_the_table():
    assert sorted(table()) == INPUTS


@pytest.mark.parametrize("name", [n for n in INPUTS if n != "default.opts"])
def test_table_counts_are_the_dry_run(name, tmp_path):
    records, skipped, _ = table()[name]
    assert dry_run(name, tmp_path) == (records, skipped, 0)


def test_quick_start_counts_are_a_run_of_the_main_job(tmp_path):
    quick = re.search(r"Of the (\d+) records of the main job, (\d+) are computed and (\d+) are \*\*skipped\*\*", README)
    assert quick, "the quick start states the main job's counts"
    records, computed, skipped = map(int, quick.groups())
    assert dry_run("default.opts", tmp_path) == (records, 0, 0)
    assert table()["default.opts"] == (records, 0, skipped)
    p = run(0, "-options_file", "inputs/default.opts", "-output", tmp_path / "d.h5", timeout=600)
    assert p.returncode == 0, p.stderr
    done = re.search(r"finished (\d+) of (\d+) records: (\d+) done, (\d+) failed, (\d+) skipped", p.stderr)
    assert done, p.stderr
    assert tuple(map(int, done.groups())) == (records, records, computed, 0, skipped), done.group(0)
    for n in re.findall(r"`(\d+) dynamics records skipped, e\.g\.", README):  # the summary's example line
        assert int(n) == skipped
