"""``package``: the application (申报材料) built from a consolidated round into one folder.

Every received document is read again by an isolated worker (checked to be the very bytes described
at consolidation) and copied — never moved or modified — to its numbered place (:mod:`.plan`); the
index workbook (:mod:`.index`) and the scorecard (its PDF where LibreOffice is installed, else the
workbook and a notice) are written beside.  Re-running gives the same tree: a file already there
with the same bytes is left alone, and files an earlier run wrote that this run does not produce
are removed — only those, and only when unchanged (the manifest ``.jieshui_package.json``).  Nothing
is written outside the output folder, which may neither lie in the returns folder nor contain it.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..data import Received
from ..evidence import match
from ..findings import JieshuiError, Report
from ..outputs import write_bytes
from ..paths import inside, refuse_outputs_over_inputs, within
from ..returns.attach import evidence_suffixes
from ..returns.isolate import parse_isolated
from ..returns.limits import Limits
from ..returns.parse import Entry, FetchJob, fetch_entry
from ..scored import Round
from ..template.files import Manifest
from .index import write_index
from .plan import INDEX_NAME, PackagePlan, plan_package

__all__ = ["PackageOutput", "build_package", "package_lines", "PACKAGE_MANIFEST"]

PACKAGE_MANIFEST = ".jieshui_package.json"
ROUND_KEY = "package"
NO_PDF = "本机未安装 LibreOffice，申报书卷中放入的是评分表工作簿（.xlsx），请用 Excel/WPS 打开后另存为 PDF。"


@dataclass
class PackageOutput:
    out_dir: Path
    index: Path
    plan: PackagePlan
    scorecard: Path | None
    city: str
    copied: list[Path] = field(default_factory=list)         # written this run (new or changed)
    unchanged: list[Path] = field(default_factory=list)      # already there with the same bytes
    kept: list[Path] = field(default_factory=list)           # someone else's file at a planned place: left alone
    removed: list[Path] = field(default_factory=list)        # an earlier run's, no longer produced
    report: Report = field(default_factory=Report)           # files that could not be read again
    notices: list[str] = field(default_factory=list)


def build_package(rnd: Round, returns: str | Path, out_dir: str | Path) -> PackageOutput:
    """Build the application of ``rnd`` (collected from ``returns``) in ``out_dir``."""
    out_dir, returns = Path(out_dir), Path(returns)
    refuse_outputs_over_inputs([out_dir], [], returns)
    if within(returns.resolve(), out_dir.resolve()):
        raise JieshuiError(f"申报材料文件夹“{out_dir}”包含回收文件夹“{returns}”，已拒绝。请另选一个输出文件夹。")
    table = rnd.table
    plan = plan_package(table, match(table, rnd.collection))
    out = PackageOutput(out_dir, out_dir / INDEX_NAME, plan, None, table.city)
    manifest = Manifest(out_dir, PACKAGE_MANIFEST)
    written: dict[str, dict] = {}
    _copy(rnd, out, manifest, written)
    out.scorecard = _scorecard(rnd, out, manifest, written)
    scorecard_rel = out.scorecard.relative_to(out_dir).as_posix() if out.scorecard else ""
    write_index(table, plan, out.index, scorecard_rel)
    written[INDEX_NAME] = _entry(out.city, _sha256(out.index.read_bytes()))
    _remove_stale(out, manifest, set(written))
    manifest.save(out.city, written, ROUND_KEY)
    return out


def _copy(rnd: Round, out: PackageOutput, manifest: Manifest, written: dict[str, dict]) -> None:
    """Every file to copy read again by a worker (once, however many places it goes to) and written
    to its places as it arrives: one file's bytes in memory at a time."""
    plan = out.plan
    places: dict[str, list[str]] = {}
    files: dict[str, Received] = {}
    for received, rel in [(p.received, p.path) for p in plan.placed] + plan.unlisted:
        places.setdefault(received.digest, []).append(rel)
        files.setdefault(received.digest, received)
    suffixes = evidence_suffixes(rnd.table.params)
    jobs = [FetchJob(Path(r.path), r.name, received=r, suffixes=suffixes) for r in files.values()]

    def done(index: int, entry: Entry) -> None:
        received = jobs[index].received
        assert received is not None
        if entry.payload is None:
            out.report.extend(entry.findings or [Report().add("evidence-unreadable", file=received.name,
                                                              detail="无法再次读取")])
            return
        for rel in places[received.digest]:
            _place(out, manifest, rel, entry.payload, received.digest, written)
        entry.payload = None                  # written: let it go

    parse_isolated(jobs, Limits.from_params(rnd.table.params), done, work=fetch_entry)


def _place(out: PackageOutput, manifest: Manifest, rel: str, data: bytes, digest: str,
           written: dict[str, dict]) -> None:
    """``data`` (whose sha256, checked by the worker, is ``digest``) at ``rel``, unless already there."""
    target = inside(out.out_dir, *rel.split("/"))
    if target.is_file() and target.stat().st_size == len(data) and _sha256(target.read_bytes()) == digest:
        out.unchanged.append(target)
    elif target.exists() and not manifest.is_ours_unchanged(target):
        out.kept.append(target)
        return
    else:
        write_bytes(target, data)
        out.copied.append(target)
    written[rel] = _entry(out.city, digest)


def _entry(city: str, digest: str) -> dict:
    return {"sha256": digest, "city": city, "round": ROUND_KEY}


def _scorecard(rnd: Round, out: PackageOutput, manifest: Manifest, written: dict[str, dict]) -> Path | None:
    """The scorecard in the self-assessment volume: its PDF where LibreOffice is installed, else the workbook."""
    from ..bycity import scorecard_name
    from ..printing import pdf_available, print_pdf
    from ..scorecard import write_scorecard

    if not out.plan.scorecard_folder:
        return None
    name = scorecard_name(rnd.table.year, rnd.table.city)
    with tempfile.TemporaryDirectory(prefix="jieshui-package-") as tmp:
        book = write_scorecard(rnd, Path(tmp) / f"{name}.xlsx")
        made = print_pdf(book) if pdf_available() else book
        if made == book:
            out.notices.append(NO_PDF)
        target = inside(out.out_dir, out.plan.scorecard_folder, made.name)
        write_bytes(target, made.read_bytes())
    written[f"{out.plan.scorecard_folder}/{made.name}"] = _entry(out.city, _sha256(target.read_bytes()))
    stale = target.with_suffix(".xlsx" if target.suffix == ".pdf" else ".pdf")
    if stale.exists() and manifest.is_ours_unchanged(stale):
        stale.unlink()
        out.removed.append(stale)
    return target


def _remove_stale(out: PackageOutput, manifest: Manifest, produced: set[str]) -> None:
    """Files an earlier run wrote, unchanged since, that this run does not produce; then their empty folders."""
    for path in manifest.stale(out.city, produced, ROUND_KEY):
        if manifest.is_ours_unchanged(path):
            path.unlink()
            out.removed.append(path)
    for path in out.removed:
        for folder in path.parents:
            if folder == out.out_dir or not within(folder, out.out_dir):
                break
            try:
                folder.rmdir()               # only an empty folder
            except OSError:
                break


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_lines(out: PackageOutput) -> list[str]:
    """The console summary of a package (Chinese)."""
    plan = out.plan
    lines = [f"申报材料：已编入 {len(plan.placed)} 份佐证材料（新复制 {len(out.copied)} 份，未变 {len(out.unchanged)} 份），"
             f"缺少 {len(plan.owed)} 项，未列入清单的文件 {len(plan.unlisted)} 个。"]
    owed_units = sorted({o.unit for o in plan.owed})
    if owed_units:
        lines.append("缺少佐证材料的单位（请催报）：" + "、".join(owed_units))
    lines += [f"注意：{n}" for n in out.notices]
    lines += [f"注意：“{p}”不是本程序生成的文件，未覆盖。" for p in out.kept]
    lines.append(f"目录：{out.index.resolve()}")
    return lines
