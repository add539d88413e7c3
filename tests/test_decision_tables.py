"""The tidy tables of stages 04–06 (SPEC §5): the writers on hand-made frames, exact CSV lines,
the public filter of recommendations, and `python -m analysis tables` on bad input."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import cli, problems, register
from analysis.decision_tables import csv_text
from analysis.pages import analysis as analysis_page
from analysis.recommendations import engine

# two problems as `find_problems` leaves them (most severe first)
FOUND = pd.DataFrame(
    {
        "kind": ["below_target", "worsening"],
        "level": ["district", "institution"],
        "unit_id": ["Север", "s1"],
        "unit_name": ["Север район", "Школа № 1"],
        "indicator_id": ["pk_modern_3y", "category_high"],
        "value": [62.5, 50.0],
        "target": [80.0, math.nan],
        "gap": [17.5, 12.5],
        "trend": [-2.5, -12.5],
        "severity": [17.5, 10.0],
        "reference": [80.0, 62.5],
        "unit": ["%", "%"],
        "year_from": [2021.0, 2021.0],
        "denominator": [40.0, 80.0],
        # people the gap is: 17,5 p. p. of 40 = 7; 12,5 p. p. of 80 = 10
        "affected": [7.0, 10.0],
    }
)


def test_problems_csv_lines():
    lines = csv_text(problems.tidy(FOUND)).splitlines()
    assert lines == [
        "unit,level,indicator_id,value,target,gap,trend,kind,rank",
        # ranked by people affected: s1's 10 people before Север's 7, though Север is the more
        # severe; no target: an empty field, never «nan»; 62.5 → 50 is −12.5 over the window
        "s1,institution,category_high,50,,12.5,-12.5,worsening,1",
        # 62.5 against a target of 80 → 17.5 short
        "Север,district,pk_modern_3y,62.5,80,17.5,-2.5,below_target,2",
    ]


def test_no_problems_is_a_header_only():
    assert csv_text(problems.tidy(FOUND.iloc[:0])) == (
        "unit,level,indicator_id,value,target,gap,trend,kind,rank\n"
    )


RECS = pd.DataFrame(
    {
        "rule_id": ["r2", "r2", "r1", "r3"],
        "level": ["institution", "institution", "district", "city"],
        "unit_id": ["s2", "s1", "Север", "city"],
        "unit_name": ["Школа № 2", "Школа № 1", "Север район", "Город"],
        "addressee": ["руководителю ОУ", "руководителю ОУ", "управлению образования", "Центру"],
        "indicator_id": ["pk_modern_3y", "pk_modern_3y", "category_high", "centre_events"],
        "value": [50.0, 60.0, 70.0, 3.0],
        "target": [80.0, 80.0, 75.0, 5.0],
        "count": pd.array([4, 2, 12, pd.NA], dtype="Int64"),
        "text": ["Направить 4 человек", "Направить 2 человек", "Обсудить, «район»", "Провести"],
    }
)


def test_recommendations_csv_lines():
    lines = csv_text(engine.tidy(RECS)).splitlines()
    assert lines == [
        "rule_id,indicator_id,level,unit_id,n,text",
        # rules in the order they came (r2 first), a rule's addressees by unit_id (s1 < s2)
        "r2,pk_modern_3y,institution,s1,2,Направить 2 человек",
        "r2,pk_modern_3y,institution,s2,4,Направить 4 человек",
        # a comma in a text is quoted by the CSV writer
        'r1,category_high,district,Север,12,"Обсудить, «район»"',
        # a rule without a count: an empty n
        "r3,centre_events,city,city,,Провести",
    ]


def test_public_recommendations_keep_only_what_the_public_page_shows():
    shown = pd.DataFrame(
        {
            "level": ["city", "district", "city"],
            "unit_id": ["city", "Север", "city"],
            "indicator_id": ["category_high", "category_high", "centre_events"],
            "value": [75.0, 72.7, 3.0],
            "flags": ["", "", ""],
        }
    )
    public = analysis_page.public_recommendations(RECS, 5, shown)
    # r2 goes to single institutions (never public); r1: Север 12 ≥ 5 and both cells visible;
    # r3: no count, the city's centre_events cell is visible
    assert public["rule_id"].tolist() == ["r1", "r3"]
    # Север hidden in the public table → its recommendation would quote a hidden cell
    hidden = shown.assign(flags=["", "suppressed", ""], value=[75.0, math.nan, 3.0])
    assert analysis_page.public_recommendations(RECS, 5, hidden)["rule_id"].tolist() == ["r3"]
    # a count below the threshold is hidden too (12 < 20)
    assert analysis_page.public_recommendations(RECS, 20, shown)["rule_id"].tolist() == ["r3"]
    assert analysis_page.public_texts(RECS, 5, shown) == ["Обсудить, «район»", "Провести"]


INSTITUTIONS = pd.DataFrame(
    {
        "inst_id": ["s1", "s2"],
        "inst_type": ["ОО", "ОО"],
        "district": ["Север", "Юг"],
        "low_results": [False, True],
        "unfavourable": [False, False],
    }
)


def _register() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": ["М2", "М1", "М3"],
            "date": pd.to_datetime(["2023-03-01", "2023-05-10", "2023-02-01"]),
            "document": ["Приказ № 2", "Приказ № 1", "Приказ № 3"],
            "title": ["Курсы", "Конкурс", "Наставники"],
            "mechanism": ["формальное ПК", "конкурсы", "формальное ПК"],
            "targets": ["район:Север", "s2", "s9"],
            "indicator_ids": ["pk_modern_3y", "competition_any", "no_such"],
            "recommendation_ids": [None, "r2", None],
            "responsible": ["Отдел кадров", "Центр", "Центр"],
            "deadline": pd.to_datetime(["2023-12-31", "2024-06-30", None]),
            "status": ["выполнено", "запланировано", "не выполнено"],
            "muko_systems": [None, "таланты", None],
        }
    )


def test_measures_csv_lines():
    measures = _register()
    found = FOUND.assign(unit_id=["Север", "s1"])  # Север (district) and s1 (in Север)
    recs = RECS.iloc[:2]  # r2 to s2 and s1
    check = register.correspondence(measures, found, recs, INSTITUTIONS)
    lines = csv_text(register.tidy(measures, check)).splitlines()
    assert lines[0] == (
        "measure_id,date,document,title,mechanism,targets,indicator_ids,recommendation_ids,"
        "responsible,deadline,status,muko_systems,problems_answered,recommendations_answered,"
        "without_problem,without_indicator,without_addressee"
    )
    assert lines[1:] == [
        # формальное ПК first (contract order), by date: М3 (1 Feb) before М2 (1 Mar).
        # М3 targets s9, which is no institution: no addressee, unknown indicator, no problem
        (
            "М3,2023-02-01,Приказ № 3,Наставники,формальное ПК,s9,no_such,,Центр,,не выполнено,,"
            "0,0,true,true,true"
        ),
        # М2 (район:Север, pk_modern_3y) answers the Север district problem only: the s1
        # problem is on category_high, and r2 to s1/s2 is on pk_modern_3y but М2 does not list
        # r2 — it answers it by the indicator at s1 (in Север), not at s2 (in Юг)
        (
            "М2,2023-03-01,Приказ № 2,Курсы,формальное ПК,район:Север,pk_modern_3y,,Отдел кадров,"
            "2023-12-31,выполнено,,1,1,false,false,false"
        ),
        # М1 (s2, lists r2) answers r2 at s2; no problem of competition_any
        (
            "М1,2023-05-10,Приказ № 1,Конкурс,конкурсы,s2,competition_any,r2,Центр,2024-06-30,"
            "запланировано,таланты,0,1,false,false,false"
        ),
    ]


def test_no_register_is_a_header_only():
    check = register.correspondence(None, FOUND, None, INSTITUTIONS)
    text = csv_text(register.tidy(None, check))
    assert text.count("\n") == 1 and text.startswith("measure_id,date,")


def test_tables_help_is_russian(capsys):
    with pytest.raises(SystemExit):
        cli.main(["tables", "--help"])
    out = capsys.readouterr().out
    assert "problems.csv" in out and "папка, куда записать таблицы" in out
    assert "show this help" not in out


def test_tables_without_processed_data_is_one_russian_line(tmp_path, capsys):
    code = cli.main(
        [
            "tables",
            "--processed-dir",
            str(tmp_path / "none"),
            "--year",
            "2023",
            "--out-dir",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith("Ошибка: ") and "нет обработанных данных" in err[0]
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A tiny demo city (two years) and the four tables of 2023 in both profiles, written by
    the command."""
    from analysis.demo import generate

    root = tmp_path_factory.mktemp("decision")
    generate(root / "processed", [2022, 2023], 0, 0.03, "parquet")
    for profile in ("internal", "public"):
        args = ["tables", "--processed-dir", str(root / "processed"), "--year", "2023"]
        assert cli.main([*args, "--out-dir", str(root / profile), "--profile", profile]) == 0
    return root


def test_the_build_s_writer_gives_the_command_s_files(demo, tmp_path):
    """The build's per-year function with its own output root (another cache) writes the same
    bytes: nothing depends on the cache or on when it ran."""
    from analysis.decision_tables import NAMES, write_year

    write_year(demo / "processed", 2023, tmp_path / "csv", "internal", tmp_path / "out")
    for name in NAMES:
        assert (tmp_path / "csv" / name).read_bytes() == (demo / "internal" / name).read_bytes()


def test_public_tables_show_only_what_the_public_pages_show(demo):
    internal = {n: pd.read_csv(demo / "internal" / n, dtype=str) for n in ("problems.csv",)}
    public = pd.read_csv(demo / "public" / "problems.csv", dtype=str)
    keys = ["unit", "level", "indicator_id", "kind"]
    inside = set(map(tuple, internal["problems.csv"][keys].to_numpy()))
    assert set(map(tuple, public[keys].to_numpy())) <= inside
    # public ranks are 1…n again: a gap would tell where a hidden problem stood
    assert public["rank"].tolist() == [str(i) for i in range(1, len(public) + 1)]
    recs = pd.read_csv(demo / "public" / "recommendations.csv", dtype=str)
    assert not recs["level"].isin(["institution", "association"]).any()
    measures = pd.read_csv(demo / "public" / "measures.csv", dtype=str)
    assert "responsible" not in measures.columns
    assert "responsible" in pd.read_csv(demo / "internal" / "measures.csv", dtype=str).columns


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_the_tables_on_what_the_build_holds_are_the_command_s(demo, tmp_path, profile):
    """The build hands its context, indicator table and shared results to the writer (each
    read once a task); the files are those of the command, which reads everything itself."""
    from analysis import context
    from analysis.book import yearly
    from analysis.decision_tables import NAMES, write

    processed, out = demo / "processed", tmp_path / "out"
    tidy = yearly.compute(processed, 2023, out)
    shared = yearly.shared_results(tidy, processed, 2023, out)
    write(context.resolve(2023, processed, out, profile), tmp_path / "csv", tidy, shared)
    for name in NAMES:
        assert (tmp_path / "csv" / name).read_bytes() == (demo / profile / name).read_bytes()


def test_the_public_tables_of_the_years_stack_into_the_public_table_of_the_stack(demo):
    """`shown_tables` decides year by year, as `context.for_reader` does on a stack of years:
    the pages' tidy tables may stack the years they hold."""
    from analysis import context
    from analysis.pages import effectiveness as effectiveness_page

    ctx = context.resolve(2023, demo / "processed", demo / "public", "public")
    tables_of = effectiveness_page.indicator_tables(ctx)
    both = pd.concat([tables_of(2022), tables_of(2023)])
    # the decisions made and cached first: the build's tasks read them from the cache (read
    # back, a blank `meets_target` is None; fresh, it is <NA>)
    context.for_reader(ctx, both)
    whole = context.for_reader(ctx, both)
    shown = effectiveness_page.shown_tables(ctx, tables_of)
    stacked = pd.concat([shown(2022), shown(2023)], ignore_index=True)
    pd.testing.assert_frame_equal(stacked, whole)
    assert stacked["flags"].str.contains("suppressed").any()  # the decision hid something
    assert shown(2023) is shown(2023)  # read once
