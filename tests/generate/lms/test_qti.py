"""--format qti: qti.zip is an IMS QTI 2.1 package that validates against the IMS schemas, one
item per variant whose responses, tolerances and points are the key's; same bytes run to run."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from gradsheet.generate.cli import main

VALIDATE = Path(__file__).parents[2] / "schemas" / "qti21" / "validate.py"
NS = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1", "cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}


@pytest.fixture(scope="module")
def unpacked(built: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("qti")
    with zipfile.ZipFile(built / "qti.zip") as z:
        z.extractall(folder)
    return folder


def test_the_manifest_the_test_and_every_item_validate_against_the_ims_schemas(unpacked: Path) -> None:
    pytest.importorskip("lxml")
    files = [unpacked / "imsmanifest.xml", *sorted((unpacked / "tests").glob("*.xml")),
             *sorted((unpacked / "items").glob("*.xml"))]
    assert len(files) == 2 + 2 * 11
    run = subprocess.run([sys.executable, str(VALIDATE), *map(str, files)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(": ok") == len(files)


def test_the_validator_refuses_an_item_that_breaks_the_schema(unpacked: Path, tmp_path: Path) -> None:
    """The check above can fail: an item with an element QTI does not know is refused."""
    pytest.importorskip("lxml")
    item = next((unpacked / "items").glob("*.xml")).read_text(encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text(item.replace("<itemBody>", "<itemBody><blink>hi</blink>", 1), encoding="utf-8")
    assert subprocess.run([sys.executable, str(VALIDATE), str(broken)], capture_output=True).returncode == 1


def _full_marks_as_an_engine_adds_them(root: ET.Element) -> float:
    """SCORE after every response is right, computed as a QTI engine does: float arithmetic
    over the response processing's rules in document order."""
    score = 0.0
    for rule in root.find("q:responseProcessing", NS):
        if rule.tag == f"{{{NS['q']}}}responseCondition":
            score = score + float(rule.find(".//q:sum/q:baseValue", NS).text)
        elif rule.tag == f"{{{NS['q']}}}setOutcomeValue" and rule.get("identifier") == "SCORE":
            divide = rule.find("q:divide", NS)
            assert divide is not None, "the only rule on SCORE after the entries is the division"
            score = score / float(divide.find("q:baseValue", NS).text)
    return score


def test_every_response_accepts_exactly_the_keys_tolerance_and_scores_its_points(built: Path, unpacked: Path) -> None:
    key = json.loads((built / "key.json").read_text(encoding="utf-8"))
    manifest = ET.parse(unpacked / "imsmanifest.xml").getroot()
    items = [r.get("href") for r in manifest.iter(f"{{{NS['cp']}}}resource") if r.get("type") == "imsqti_item_xmlv2p1"]
    assert len(items) == 22
    divided = 0
    for s in key["students"]:
        for v in s["variants"]:
            name = f"items/lms-p{v['problem']}-{'r-1' if s['id'] == 'r<1>' else 'r2'}.xml"
            assert name in items
            root = ET.parse(unpacked / name).getroot()
            declared = root.findall("q:responseDeclaration", NS)
            conditions = root.findall("q:responseProcessing/q:responseCondition", NS)
            assert len(declared) == len(conditions) == len(v["answers"])
            divide = root.find("q:responseProcessing/q:setOutcomeValue/q:divide/q:baseValue", NS)
            denominator = int(divide.text) if divide is not None else 1
            divided += divide is not None
            for d, rule, a in zip(declared, conditions, v["answers"]):
                correct = d.find("q:correctResponse/q:value", NS).text
                weight = rule.find(".//q:sum/q:baseValue", NS).text
                assert weight.isdigit() and Fraction(int(weight), denominator) == Fraction(str(a["points"]))
                if isinstance(a["value"], str):
                    assert d.get("baseType") == "identifier" and correct == a["value"]
                    continue
                assert d.get("baseType") == "float" and float(correct) == a["value"]
                low, high = (Decimal(b.text) for b in rule.findall(".//q:and/*/q:baseValue", NS))
                tolerance = Decimal(str(a["tolerance"]))
                assert (low, high) == (Decimal(correct) - tolerance, Decimal(correct) + tolerance)
            maximum = root.find("q:outcomeDeclaration[@identifier='MAXSCORE']/q:defaultValue/q:value", NS).text
            # a question's entries add up to its printed points exactly, so the item's to the sum
            assert Fraction(maximum) == sum(Fraction(str(a["points"])) for a in v["answers"])
            # and an engine adding the weights in floating point reaches MAXSCORE exactly
            assert _full_marks_as_an_engine_adds_them(root) == float(maximum)
            assert root.find("q:modalFeedback", NS) is not None
    assert divided > 0, "some item shares its points in thirds or halves: the division is exercised"


def test_shares_added_as_decimals_would_miss_maxscore_and_weights_do_not() -> None:
    """Why the weights are integers: two 1-point questions of three entries and a 3-point one
    of seven, added as the 12-place decimals the items used to carry, fall short of 5."""
    questions = [(1, 3), (1, 3), (3, 7)]
    as_decimals = as_weights = 0.0
    for points, entries in questions:
        each = (Decimal(points) / entries).quantize(Decimal("1e-12"))
        for share in [each] * (entries - 1) + [points - each * (entries - 1)]:
            as_decimals = as_decimals + float(share)
        for _ in range(entries):
            as_weights = as_weights + float(Fraction(points, entries) * 21)  # 21: the shares' denominator
    assert as_decimals == 4.999999999999999
    assert as_weights / 21.0 == 5.0


def test_figures_are_files_of_the_package_the_items_name(unpacked: Path) -> None:
    manifest = ET.parse(unpacked / "imsmanifest.xml").getroot()
    listed = {f.get("href") for f in manifest.iter(f"{{{NS['cp']}}}file")}
    svgs = sorted(p.relative_to(unpacked).as_posix() for p in (unpacked / "items").glob("*.svg"))
    assert svgs and set(svgs) <= listed
    for item in (unpacked / "items").glob("*.xml"):
        for src in ET.parse(item).getroot().iter(f"{{{NS['q']}}}img"):
            assert (item.parent / src.get("src")).is_file()


def test_the_same_spec_and_seed_give_the_same_zip(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main([str(built.parent / "exam.toml"), "--roster", str(built.parent / "roster.csv"), "--format", "qti",
                 "--out", str(again)]) == 0
    assert (again / "qti.zip").read_bytes() == (built / "qti.zip").read_bytes()


def test_hostile_titles_and_ids_stay_text_in_both_exports(tmp_path: Path) -> None:
    title = "]]> <script>alert('x')</script> & \"quotes\" / {1:NUMERICAL:=1}"
    (tmp_path / "exam.toml").write_text(
        f'title = {json.dumps(title)}\nname = "h"\n[[problems]]\nkind = "param_count"\n', encoding="utf-8")
    (tmp_path / "roster.csv").write_text('id,name\n"<b>&amp;]]>",x\n', encoding="utf-8")
    assert main([str(tmp_path / "exam.toml"), "--roster", str(tmp_path / "roster.csv"), "--format", "moodle,qti",
                 "--out", str(tmp_path / "out")]) == 0
    root = ET.parse(tmp_path / "out" / "moodle.xml").getroot()
    category = next(q for q in root.iter("question") if q.get("type") == "category").findtext("category/text")
    assert category.startswith("$course$/top/" + title.replace("/", "//"))
    cloze = next(q for q in root.iter("question") if q.get("type") == "cloze")
    assert cloze.findtext("name/text").endswith("<b>&amp;]]>") and "<script>" not in cloze.findtext("questiontext/text")
    with zipfile.ZipFile(tmp_path / "out" / "qti.zip") as z:
        z.extractall(tmp_path / "qti")
    item = ET.parse(next((tmp_path / "qti" / "items").glob("*.xml"))).getroot()
    assert item.get("title").startswith(title)
