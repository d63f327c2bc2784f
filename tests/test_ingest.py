"""Bring your own data: reading, recognising, repairing and rejecting uploaded files.

Every hostile case checks the exact message a user sees and how many rows are rejected.
"""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from lib.data import export
from lib.data.loading import load_dataset
from lib.ingest import pipeline

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TODAY = pd.Timestamp("2025-01-31").date()
SITE_HEADER = (
    "site_id,company,site_name,town,postcode_outward,latitude,longitude,location_precision,"
    "location_source,itl1_code,capabilities,modality,operator_type,approx_employees,status,source_url,"
    "as_of,note"
)
GOOD_SITE = (
    "S0001,Example Ltd,Main,Leeds,LS2,53.80,-1.55,town,GeoNames,TLE,biologics,,commercial,100,"
    "operational,https://example.org,2024-01-01,"
)
INVESTMENT_HEADER = (
    "investment_id,record_type,programme,funder,recipient,project,town,itl1_code,public_gbp,"
    "private_gbp,year,capabilities,source_url,as_of,note"
)


@pytest.fixture(scope="module")
def capabilities():
    return load_dataset("capabilities")


def run(data: bytes | str, dataset: str, capabilities, file="upload.csv", places=None, **kwargs):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return pipeline.ingest(pipeline.read_table(raw, file), dataset, capabilities, places=places, today=TODAY, **kwargs)


def reasons(result) -> list[str]:
    return result.rejected["reason"].tolist()


# ---------------------------------------------------------------- the embedded data itself


@pytest.mark.parametrize("dataset", pipeline.IMPORTABLE)
def test_the_embedded_sources_import_unchanged(dataset, capabilities, root, embedded):
    result = run((root / "data" / "source" / f"{dataset}.csv").read_bytes(), dataset, capabilities)
    assert result.format == "project"
    assert result.rejected.empty, result.rejected.head()
    expected = embedded[dataset].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        result.accepted.drop(columns=list(pipeline.LIST_COLUMNS[dataset])),
        expected.drop(columns=list(pipeline.LIST_COLUMNS[dataset])),
        check_dtype=False,
    )
    for column in pipeline.LIST_COLUMNS[dataset]:
        assert result.accepted[column].map(list).tolist() == expected[column].map(list).tolist()


# ---------------------------------------------------------------- messy but common: handled


def test_utf8_bom_and_windows_1252_are_read_with_pound_signs_and_accents(capabilities):
    text = f"{SITE_HEADER}\n{GOOD_SITE.replace('Example Ltd', 'Café Pharma £')}\n"
    for encoded, encoding in ((b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"), (text.encode("cp1252"), "cp1252")):
        table = pipeline.read_table(encoded, "sites.csv")
        assert table.encoding == encoding
        assert list(table.frame.columns)[0] == "site_id"
        result = pipeline.ingest(table, "sites", capabilities, today=TODAY)
        assert result.summary() == "1 rows read, 1 accepted, 0 rejected"
        assert result.accepted.loc[0, "company"] == "Café Pharma £"


@pytest.mark.parametrize("delimiter,name", [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_semicolon_tab_and_pipe_delimiters(delimiter, name, capabilities):
    header = SITE_HEADER.replace(",", delimiter)
    row = GOOD_SITE.replace(",", delimiter)
    table = pipeline.read_table(f"{header}\n{row}\n".encode(), "sites.txt")
    assert f"delimiter {name}" in table.describe()
    assert pipeline.ingest(table, "sites", capabilities).summary() == "1 rows read, 1 accepted, 0 rejected"


def test_money_written_the_way_people_write_it(capabilities):
    amounts = ["£1.2m", "1,200,000", "£250k", "GBP 3.5 million", "", "£0.75bn"]
    rows = [
        f'I{i:04d},award,Prog,Funder,Org {i},,,TLE,"{a}",,2020,,https://example.org,2020-01-01,'
        for i, a in enumerate(amounts, start=1)
    ]
    result = run("\n".join([INVESTMENT_HEADER, *rows]) + "\n", "investments", capabilities)
    assert result.rejected.empty, result.rejected
    assert result.accepted["public_gbp"].tolist()[:4] == [1_200_000, 1_200_000, 250_000, 3_500_000]
    assert pd.isna(result.accepted["public_gbp"].iloc[4])  # empty = not stated, never zero
    assert result.accepted["public_gbp"].iloc[5] == 750_000_000
    assert "1 accepted record(s) state no public amount: shown as not stated, excluded from sums" in result.notes


def test_postcodes_in_any_case_and_spacing_give_the_outward_code(capabilities):
    header = "company,site_name,town,postcode,latitude,longitude,itl1_code,capabilities,operator_type,status"
    rows = [
        "A Ltd,One,Leeds, ls29jt ,53.80,-1.55,Yorkshire and The Humber,Biologics,commercial,Operational",
        "B Ltd,Two,Leeds,Ls2  9JT,53.80,-1.55,TLE,biologics,CDMO,operational",
    ]
    result = run("\n".join([header, *rows]) + "\n", "sites", capabilities, mapping=None, fmt="mapped")
    assert result.rejected.empty, result.rejected
    assert result.accepted["postcode_outward"].tolist() == ["LS2", "LS2"]
    assert result.accepted["itl1_code"].tolist() == ["TLE", "TLE"]
    assert result.accepted["capabilities"].map(list).tolist() == [["biologics"], ["biologics"]]
    assert result.accepted["site_id"].tolist() == ["S0001", "S0002"]  # numbered when the file has no ids


def test_trailing_blank_rows_are_ignored_and_row_numbers_kept(capabilities):
    text = f"{SITE_HEADER}\n{GOOD_SITE}\n,,,,,,,,,,,,,,,,,\n\n,,,,,,,,,,,,,,,,,\n"
    table = pipeline.read_table(text.encode(), "sites.csv")
    assert table.blank_rows == 3
    assert "3 blank row(s) ignored" in table.describe()
    assert pipeline.ingest(table, "sites", capabilities).summary() == "1 rows read, 1 accepted, 0 rejected"


# ---------------------------------------------------------------- impossible: rejected with a reason


def test_negative_money_is_rejected(capabilities):
    rows = [
        "I0001,award,Prog,Funder,Org,,,TLE,-500,,2020,,https://example.org,2020-01-01,",
        "I0002,award,Prog,Funder,Org,,,TLE,500,,2020,,https://example.org,2020-01-01,",
    ]
    result = run("\n".join([INVESTMENT_HEADER, *rows]) + "\n", "investments", capabilities)
    assert result.summary() == "2 rows read, 1 accepted, 1 rejected"
    assert result.rejected[["row", "column", "value", "reason"]].values.tolist() == [
        [1, "public_gbp", "-500", "negative money: an amount cannot be below zero"]
    ]


def test_swapped_and_foreign_coordinates_are_rejected_with_the_reason(capabilities):
    swapped = GOOD_SITE.replace("53.80,-1.55", "-1.55,53.80")
    new_york = GOOD_SITE.replace("S0001", "S0002").replace("53.80,-1.55", "40.71,-74.01")
    good = GOOD_SITE.replace("S0001", "S0003")
    result = run(f"{SITE_HEADER}\n{swapped}\n{new_york}\n{good}\n", "sites", capabilities)
    assert result.summary() == "3 rows read, 1 accepted, 2 rejected"
    assert result.rejected[["row", "reason"]].values.tolist() == [
        [1, "latitude and longitude look swapped"],
        [2, "coordinates are outside the UK"],
    ]


def test_capability_words_map_through_the_synonym_table_and_unknown_words_are_listed(capabilities):
    row = GOOD_SITE.replace(",biologics,", ',"Cell & gene therapy, sterile fill-finish; OSD; biologicz; moon dust",')
    result = run(f"{SITE_HEADER}\n{row}\n", "sites", capabilities)
    assert result.summary() == "1 rows read, 1 accepted, 0 rejected"  # unknown words do not reject the row
    assert result.accepted.loc[0, "capabilities"] == ["advanced_therapy", "sterile_fill_finish", "oral_solid_dose"]
    expected = "capability words not recognised, left out: 'biologicz' (nearest: 'Biologics', biologics); 'moon dust'"
    assert result.notices[["row", "column", "reason"]].values.tolist() == [[1, "capabilities", expected]]
    assert expected in result.accepted.loc[0, "note"]  # kept with the row, not only in the report


def test_every_synonym_names_a_capability_of_the_taxonomy(capabilities):
    synonyms = pipeline.capability_synonyms()
    assert set(synonyms["capability_id"]) <= set(capabilities["capability_id"])
    assert not synonyms["words"].map(pipeline.capability_key).duplicated().any()


def test_duplicate_ids_are_rejected(capabilities):
    result = run(
        f"{SITE_HEADER}\n{GOOD_SITE}\n{GOOD_SITE}\n{GOOD_SITE.replace('S0001', 'S0002')}\n", "sites", capabilities
    )
    assert result.summary() == "3 rows read, 1 accepted, 2 rejected"
    assert reasons(result) == ["duplicate id", "duplicate id"]
    assert result.rejected["row"].tolist() == [1, 2]


def test_every_problem_of_a_row_is_reported_at_once(capabilities):
    row = GOOD_SITE.replace("commercial", "factory").replace("operational", "open")
    result = run(f"{SITE_HEADER}\n{row}\n", "sites", capabilities)
    assert result.rejected["column"].tolist() == ["operator_type", "status"]
    assert result.rejected_rows == 1


def test_rejected_report_is_formula_safe_when_downloaded(capabilities):
    result = run(f"{SITE_HEADER}\n{GOOD_SITE.replace('commercial', '=1+2')}\n", "sites", capabilities)
    assert result.rejected["value"].tolist() == ["=1+2"]
    assert "'=1+2" in export.to_csv_bytes(result.rejected).decode("utf-8-sig")


# ---------------------------------------------------------------- files that cannot be read


@pytest.mark.parametrize(
    "data,file,message",
    [
        (b"", "empty.csv", "the file is empty"),
        (b"a,b\n", "header.csv", "the file has a header but no data rows"),
        (
            b"a,b\n1,2\n3,4,5\n",
            "ragged.csv",
            "the CSV could not be read: line 3 has 3 values but the header has fewer; "
            "is a value containing the delimiter not in quotes?",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
            "old.xls",
            "this is an old Excel .xls file: save it as .xlsx or CSV and upload again",
        ),
        (b"site_id\nS0001\n", "renamed.xlsx", "the file is named .xlsx but its content is not a xlsx file"),
    ],
)
def test_unreadable_files_get_a_clear_message(data, file, message):
    with pytest.raises(pipeline.IngestError) as caught:
        pipeline.read_table(data, file)
    assert caught.value.message == message
    assert caught.value.file == file


def test_size_limit_matches_the_server_upload_limit(root):
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == pipeline.MAX_UPLOAD_MB
    with pytest.raises(pipeline.IngestError) as caught:
        pipeline.read_table(b"x" * 2_000_000, "big.csv", max_bytes=1_048_576)
    assert caught.value.message == "the file is 1.9 MB; the limit is 1 MB".replace(
        "1 MB", f"{pipeline.MAX_UPLOAD_MB} MB"
    )


def test_row_limit_has_a_clear_message(monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_ROWS", 3)
    with pytest.raises(pipeline.IngestError) as caught:
        pipeline.read_table(b"a\n1\n2\n3\n4\n", "rows.csv")
    assert caught.value.message == "the file has more than 3 rows; split it into smaller files"


# ---------------------------------------------------------------- Excel and Parquet


def test_excel_sheet_is_chosen_by_name(capabilities, tmp_path):
    source = pd.read_csv(io.StringIO(f"{SITE_HEADER}\n{GOOD_SITE}\n"), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"About": ["read me"]}).to_excel(writer, sheet_name="Notes", index=False)
        source.to_excel(writer, sheet_name="Sites", index=False)
    data = buffer.getvalue()
    assert pipeline.excel_sheets(data) == ["Notes", "Sites"]
    table = pipeline.read_table(data, "sites.xlsx", sheet="Sites")
    assert pipeline.ingest(table, "sites", capabilities).summary() == "1 rows read, 1 accepted, 0 rejected"
    with pytest.raises(pipeline.IngestError) as caught:
        pipeline.read_table(data, "sites.xlsx", sheet="Nope")
    assert caught.value.message == "there is no sheet named 'Nope'; sheets: Notes, Sites"


def test_parquet_with_list_columns(capabilities, root, embedded):
    data = (root / "data" / "centres.parquet").read_bytes()
    result = pipeline.ingest(pipeline.read_table(data, "centres.parquet"), "centres", capabilities)
    assert result.summary() == f"{len(embedded['centres'])} rows read, {len(embedded['centres'])} accepted, 0 rejected"
    assert result.accepted["funders"].map(list).tolist() == embedded["centres"]["funders"].map(list).tolist()


# ---------------------------------------------------------------- real formats and mapping


def test_innovate_uk_funded_projects(capabilities, places):
    data = (FIXTURES / "innovate_uk_funded_projects.csv").read_bytes()
    table = pipeline.read_table(data, "innovate_uk.csv")
    assert pipeline.detect_format(table.frame.columns, "investments") == "innovate_uk"
    result = pipeline.ingest(table, "investments", capabilities, places=places, today=TODAY)
    assert result.summary() == "6 rows read, 3 accepted, 3 rejected"
    assert result.rejected[["row", "reason"]].values.tolist() == [
        [1, "duplicate id"],
        [3, "withdrawn: the source marks this project or participant as withdrawn"],
        [5, "duplicate id"],
    ]
    accepted = result.accepted.set_index("recipient")
    assert accepted.loc["University of Example", "itl1_code"] == "TLM"  # from Address Region
    assert accepted.loc["CellCo Ltd", "itl1_code"] == "TLH"  # from the district Cambridge
    assert accepted.loc["PackCo Ltd", "itl1_code"] == "UK"  # nowhere given: kept, in no region
    assert "region not known (no postcode or district given)" in accepted.loc["PackCo Ltd", "note"]
    assert result.unplaced[["row", "reason"]].values.tolist() == [[4, "no postcode or district given"]]
    assert accepted["public_gbp"].tolist() == [480_000, 95_000, 1_200_000]
    assert accepted.loc["CellCo Ltd", "year"] == 2018  # "2018/19"
    assert set(accepted["record_type"]) == {"award"}
    assert set(accepted["source_url"]) == {pipeline.INNOVATE_UK_URL}


def test_innovate_uk_from_excel(capabilities, tmp_path):
    frame = pd.read_csv(FIXTURES / "innovate_uk_funded_projects.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"Award Offered (£)": "Grant Offered (£)"})  # the 2020 file's name
    buffer = io.BytesIO()
    frame.to_excel(buffer, sheet_name="Funded projects", index=False)
    table = pipeline.read_table(buffer.getvalue(), "projects.xlsx")
    result = pipeline.ingest(table, "investments", capabilities, today=TODAY)
    assert result.format == "innovate_uk"
    assert result.summary() == "6 rows read, 3 accepted, 3 rejected"


def test_360giving_flat_csv(capabilities):
    table = pipeline.read_table((FIXTURES / "360giving_grants.csv").read_bytes(), "grants.csv")
    assert pipeline.detect_format(table.frame.columns, "investments") == "360giving"
    result = pipeline.ingest(table, "investments", capabilities, places=pipeline.Places(use_postcodes=False))
    assert result.summary() == "4 rows read, 2 accepted, 2 rejected"
    assert result.rejected[["row", "column", "reason"]].values.tolist() == [
        [2, "Currency", "amount is not in pounds sterling (GBP); it is not converted"],
        [4, "public_gbp", "negative money: an amount cannot be below zero"],
    ]
    first = result.accepted.iloc[0]
    assert (first["recipient"], first["public_gbp"], first["year"], first["as_of"]) == (
        "Example Pharma Ltd",
        250_000,
        2022,
        "2022-05-10",
    )
    assert first["programme"] == "Manufacturing Fund" and first["funder"] == "Example Public Funder"
    assert result.accepted.iloc[1]["source_url"] == "https://example.org/data.json"  # no URL: the data source


def test_mapping_suggestions_match_common_names():
    columns = [
        "Company Name",
        "Site",
        "City",
        "Post Code",
        "Local Authority",
        "Lat",
        "Lng",
        "Capability areas",
        "Status",
        "Type",
        "Employees",
        "Source",
        "Unrelated",
    ]
    mapping = pipeline.suggest_mapping(columns, "sites")
    assert {k: v for k, v in mapping.items() if v} == {
        "company": "Company Name",
        "site_name": "Site",
        "town": "City",
        "postcode": "Post Code",
        "district": "Local Authority",
        "latitude": "Lat",
        "longitude": "Lng",
        "capabilities": "Capability areas",
        "status": "Status",
        "operator_type": "Type",
        "approx_employees": "Employees",
        "source_url": "Source",
    }


def test_a_register_extract_through_the_mapping_step(capabilities, places):
    table = pipeline.read_table((FIXTURES / "sites_register_extract.csv").read_bytes(), "register.csv")
    assert pipeline.detect_format(table.frame.columns, "sites") == "mapped"
    result = pipeline.ingest(table, "sites", capabilities, places=places, today=TODAY)
    assert result.summary() == "3 rows read, 3 accepted, 0 rejected", result.rejected
    sites = result.accepted.set_index("company")
    assert sites.loc["Example Biologics Ltd", "itl1_code"] == "TLD"  # spatial join of the given point
    assert sites.loc["Example Biologics Ltd", "location_precision"] == "site"
    assert sites.loc["Example Biologics Ltd", "approx_employees"] == 1200
    # No coordinates, postcode lookup off: placed at the district, and the source says so.
    assert sites.loc["Example Pharma Ltd", "itl1_code"] == "TLD"
    assert sites.loc["Example Pharma Ltd", "location_precision"] == "town"
    assert "local authority district" in sites.loc["Example Pharma Ltd", "location_source"]
    assert sites.loc["Example Pharma Ltd", "postcode_outward"] == "SK10"
    assert sites.loc["Example NHS Aseptic Unit", "itl1_code"] == "TLE"
    assert sites.loc["Example Pharma Ltd", "as_of"] == "2025-01-31"
    assert "as_of not in the file: set to the import date" in sites.loc["Example Pharma Ltd", "note"]


def test_a_site_that_cannot_be_placed_is_listed_with_the_reason(capabilities, places):
    header = "company,site_name,town,postcode,district,capabilities,operator_type,status"
    rows = [
        "A Ltd,One,Nowhere,NOT A CODE,,biologics,commercial,operational",
        "B Ltd,Two,Leeds,,Atlantis,biologics,commercial,operational",
    ]
    result = run("\n".join([header, *rows]) + "\n", "sites", capabilities, places=places)
    assert result.summary() == "2 rows read, 0 accepted, 0 rejected, 2 could not be placed"
    assert result.rejected[["row", "column", "reason"]].values.tolist() == [
        [1, "location", "could not be placed: not a valid UK postcode: NOT A CODE"],
        [2, "location", "could not be placed: district not recognised: Atlantis"],
    ]
    assert len(result.unplaced) == 2


# ---------------------------------------------------------------- command line


def test_command_line_writes_csv_and_reports(tmp_path, capsys):
    code = pipeline.main(
        [
            str(FIXTURES / "360giving_grants.csv"),
            "--kind",
            "investments",
            "--out",
            str(tmp_path),
            "--no-postcode-lookup",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1  # some rows were rejected
    assert "4 rows read, 2 accepted, 2 rejected (format: 360Giving flat CSV)" in captured.out
    assert "validating  [" in captured.err  # the progress bar
    written = pd.read_csv(tmp_path / "investments.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == list(pipeline.schema_for("investments").columns)
    assert written["public_gbp"].tolist() == ["250000", "75000"]
    assert len(pd.read_csv(tmp_path / "investments-rejected.csv")) == 2


def test_command_line_names_an_unreadable_file(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not excel")
    assert pipeline.main([str(bad), "--kind", "sites", "--out", str(tmp_path / "out")]) == 2
    assert "bad.xlsx: the file is named .xlsx but its content is not a xlsx file" in capsys.readouterr().err


def test_safe_label_strips_markdown():
    assert pipeline.safe_label("[click](javascript:x)__bold__.csv") == "-click--javascript-x---bold--.csv"


# ---------------------------------------------------------------- the page


def test_import_page_checks_a_file_and_uses_it_in_every_page():
    from tests.apptest_helpers import assert_healthy, open_page

    at = open_page("app_pages/import_data.py")
    assert_healthy(at)
    at.radio(key="import_dataset").set_value("investments").run()
    data = (FIXTURES / "360giving_grants.csv").read_bytes()
    at.file_uploader(key="import_file").set_value(("grants.csv", data, "text/csv")).run()
    at.button(key="import_check").click().run()
    assert_healthy(at)
    assert at.subheader[0].value == "4 rows read, 2 accepted, 2 rejected"
    assert [m.value for m in at.metric] == ["4", "2", "2", "0"]
    at.button(key="import_use").click().run()
    assert_healthy(at)
    chosen = at.session_state["user_datasets"]
    assert chosen.origin == "your upload: grants.csv"
    assert chosen.frames["investments"]["recipient"].tolist() == ["Example Pharma Ltd", "PackCo Ltd"]
    assert len(chosen.frames["sites"]) > 0  # the other datasets stay the embedded ones


def test_import_page_never_renders_file_text_as_markdown():
    from tests.apptest_helpers import assert_healthy, open_page

    hostile = "**bold** [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    text = f"{SITE_HEADER}\n{GOOD_SITE.replace('Example Ltd', hostile.replace(',', ' '))}\n"
    at = open_page("app_pages/import_data.py")
    at.file_uploader(key="import_file").set_value(("[x](javascript:y).csv", text.encode(), "text/csv")).run()
    at.button(key="import_check").click().run()
    assert_healthy(at)
    rendered = " ".join(
        str(e.value) for e in [*at.markdown, *at.caption, *at.subheader, *at.error, *at.warning, *at.info]
    )
    assert "javascript" not in rendered and "onerror" not in rendered
    at.button(key="import_use").click().run()
    assert at.session_state["user_datasets"].origin == "your upload: -x--javascript-y-.csv"


# ---------------------------------------------------------------- plain real-world lists (issue 22)

PLAIN_FIXTURES = sorted(p.name for p in FIXTURES.glob("plain_site_list*.csv"))


def test_there_is_a_plain_fixture_for_each_real_world_variant():
    assert PLAIN_FIXTURES == [
        "plain_site_list.csv",
        "plain_site_list_bom.csv",
        "plain_site_list_formula_html.csv",
        "plain_site_list_semicolon.csv",
        "plain_site_list_windows1252.csv",
    ]


@pytest.mark.parametrize("name", PLAIN_FIXTURES)
def test_a_plain_site_list_exits_0_with_every_row_accepted(name, tmp_path, capsys):
    code = pipeline.main([str(FIXTURES / name), "--kind", "sites", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured
    assert "4 rows read, 4 accepted, 0 rejected" in captured.out
    assert "the file has no operator_type column: every row set to 'not stated'" in captured.out
    assert "offline (MMIP_OFFLINE=1): no postcode look-up, no boundary download" in captured.err
    written = pipeline.read_table((tmp_path / "sites.csv").read_bytes(), "sites.csv")
    again = pipeline.ingest(written, "sites", load_dataset("capabilities"), today=TODAY)
    assert again.summary() == "4 rows read, 4 accepted, 0 rejected"  # the written CSV imports unchanged
    assert set(again.accepted["operator_type"]) == {"not stated"}
    assert set(again.accepted["status"]) == {"operational"}


def test_plain_list_values_are_read_as_a_person_means_them(capabilities, places):
    results = {
        name: pipeline.import_file((FIXTURES / name).read_bytes(), name, "sites", capabilities, places=places)
        for name in PLAIN_FIXTURES
    }
    plain = results["plain_site_list.csv"].accepted.set_index("site_name")
    assert plain.loc["Macclesfield site", "capabilities"] == ["oral_solid_dose", "sterile_fill_finish"]
    assert plain.loc["Stevenage plant", "capabilities"] == ["advanced_therapy"]
    assert plain.loc["Speke site", "capabilities"] == ["biologics", "packaging_devices"]
    assert plain.loc["Hospital unit", "capabilities"] == ["radiopharmaceuticals", "analytics_qc"]
    assert plain.loc["Stevenage plant", "as_of"] == "2024-05-01"  # 01/05/2024, day first
    assert plain["itl1_code"].tolist() == ["TLD", "TLH", "TLD", "TLM"]
    assert plain["postcode_outward"].tolist() == ["SK10", "SG1", "L24", "G4"]
    semicolon = results["plain_site_list_semicolon.csv"].accepted
    assert semicolon["latitude"].tolist() == plain["latitude"].tolist()  # decimal commas
    assert results["plain_site_list_windows1252.csv"].accepted.loc[0, "company"] == "Café Pharma – £ Ltd"
    hostile = results["plain_site_list_formula_html.csv"].accepted
    assert hostile["company"].tolist() == [
        "=Example Pharma Ltd",
        "<script>alert(1)</script> Ltd",
        "+44 Pharma",
        "-Minus Ltd",
    ]  # kept as text
    assert hostile.loc[3, "site_name"] == '=HYPERLINK("http://x","y")'
    exported = export.to_csv_bytes(hostile).decode("utf-8-sig")
    assert "'=Example Pharma Ltd" in exported and "'+44 Pharma" in exported and "'-Minus Ltd" in exported
    assert "'=HYPERLINK" in exported


def test_the_formula_leading_name_with_trailing_delimiters_no_longer_crashes(capabilities):
    # Issue 22: the extra empty value made pandas use the first column as a string index.
    header = "company,site_name,town,latitude,longitude,itl1_code"
    result = run(f"{header}\n=Example Ltd,Main,Leeds,53.80,-1.55,TLE,\n", "sites", capabilities)
    assert result.summary() == "1 rows read, 1 accepted, 0 rejected"
    assert result.accepted.loc[0, "company"] == "=Example Ltd"


def test_extra_values_that_hold_something_are_refused_not_dropped():
    with pytest.raises(pipeline.IngestError) as caught:
        pipeline.read_table(b"a,b\n1,2,3\n4,5,\n", "extra.csv")
    assert caught.value.message == (
        "the CSV could not be read: row 1 has more values than the header has columns; "
        "is a column name missing, or a value containing the delimiter not in quotes?"
    )


def test_empty_and_repeated_headers_get_names_a_message_can_use():
    table = pipeline.read_table(b"town,,town, town\nLeeds,x,York,Hull\n", "h.csv")
    assert list(table.frame.columns) == ["town", "column 2", "town.1", "town (2)"]


def test_without_boundaries_a_site_is_unplaced_with_the_reason(capabilities):
    header = "company,site_name,town,latitude,longitude"
    result = run(f"{header}\nA Ltd,Main,Leeds,53.80,-1.55\n", "sites", capabilities)
    assert result.summary() == "1 rows read, 0 accepted, 0 rejected, 1 could not be placed"
    assert result.rejected["reason"].tolist() == [
        "could not be placed: no region boundaries on this machine to find the region of its coordinates "
        "(give an itl1_code or region column, or set MMIP_BOUNDARIES_DIR)"
    ]


def test_blank_defaulted_cells_are_listed_per_row(capabilities):
    header = "company,site_name,town,latitude,longitude,itl1_code,operator_type,status"
    rows = ["A Ltd,One,Leeds,53.80,-1.55,TLE,CDMO,", "B Ltd,Two,Leeds,53.80,-1.55,TLE,,operational"]
    result = run("\n".join([header, *rows]) + "\n", "sites", capabilities)
    assert result.summary() == "2 rows read, 2 accepted, 0 rejected"
    assert result.accepted[["operator_type", "status"]].values.tolist() == [
        ["CDMO", "not stated"],
        ["not stated", "operational"],
    ]
    assert result.notices[["row", "column", "reason"]].values.tolist() == [
        [2, "operator_type", "no operator_type given: set to 'not stated'"],
        [1, "status", "no status given: set to 'not stated'"],
    ]


# ---------------------------------------------------------------- the command as a user runs it


def _cli(*args, env_extra=None, cwd=None):
    import os
    import subprocess
    import sys

    env = {**os.environ, "MMIP_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "lib.ingest", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or Path(__file__).resolve().parent.parent,
        timeout=120,
    )


def test_command_line_help_lists_layouts_and_exit_codes():
    done = _cli("--help")
    assert done.returncode == 0
    for text in ("Innovate UK funded projects", "360Giving flat CSV", "this dashboard's own columns", "exit codes:"):
        assert text in done.stdout
    assert "0  every row was accepted" in done.stdout
    assert "2  the file could not be read, or its columns do not fit the dataset" in done.stdout


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"PAR1\x00\x01broken", "sites.parquet", "sites.parquet: the Parquet file could not be read"),
        (b"PK\x03\x04truncated zip", "sites.xlsx", "sites.xlsx: the Excel file could not be opened"),
        (b"a,b\n1,2,3\n", "ragged.csv", "ragged.csv: the CSV could not be read: row 1 has more values"),
        (b"", "empty.csv", "empty.csv: the file is empty"),
    ],
)
def test_command_line_broken_file_exits_2_without_a_traceback(tmp_path, content, name, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    done = _cli(str(bad), "--kind", "sites", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert message in done.stderr
    assert done.stderr.count("\n") <= 3  # a message, not a wall of text


def test_command_line_missing_file_and_wrong_kind_exit_2(tmp_path):
    done = _cli(str(tmp_path / "nope.csv"), "--kind", "sites", "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "nope.csv: the file could not be opened" in done.stderr
    grants = FIXTURES / "360giving_grants.csv"
    done = _cli(str(grants), "--kind", "sites", "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "the columns do not fit --kind sites" in done.stderr


def test_command_line_offline_says_so_in_one_line(tmp_path):
    done = _cli(str(FIXTURES / "plain_site_list.csv"), "--kind", "sites", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    offline = [line for line in done.stderr.splitlines() if "offline" in line]
    assert offline == ["offline (MMIP_OFFLINE=1): no postcode look-up, no boundary download"]
    assert "Traceback" not in done.stderr and "Connection" not in done.stderr


def test_command_line_without_network_says_so_in_one_line(tmp_path, capsys, monkeypatch):
    from lib.geo import geocode

    monkeypatch.setenv("MMIP_OFFLINE", "0")
    monkeypatch.setattr(pipeline, "network_reachable", lambda *a, **k: False)

    def no_lookups(*args, **kwargs):
        raise AssertionError("no postcode client without network")

    monkeypatch.setattr(geocode, "PostcodeClient", no_lookups)
    code = pipeline.main([str(FIXTURES / "plain_site_list.csv"), "--kind", "sites", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 0
    assert [line for line in err.splitlines() if "offline" in line] == [
        "offline: api.postcodes.io cannot be reached: no postcode look-up, no boundary download"
    ]


@pytest.mark.parametrize(
    "fmt,dataset,message",
    [
        (
            "innovate_uk",
            "investments",
            "the file does not have the columns of the Innovate UK funded projects layout: no 'Participant Name', "
            "'Project Title', 'Award Offered (£) or Grant Offered (£)'",
        ),
        ("360giving", "sites", "the 360Giving flat CSV layout lists investments, not sites"),
    ],
)
def test_a_layout_chosen_by_hand_that_does_not_fit_is_refused(fmt, dataset, message, capabilities, tmp_path, capsys):
    data = (FIXTURES / "plain_site_list.csv").read_bytes()
    with pytest.raises(pipeline.IngestError) as caught:
        pipeline.import_file(data, "plain.csv", dataset, capabilities, fmt=fmt)
    assert caught.value.message == message
    args = [str(FIXTURES / "plain_site_list.csv"), "--kind", dataset, "--format", fmt, "--out", str(tmp_path)]
    assert pipeline.main(args) == 2
    assert f"error: plain_site_list.csv: {message}" in capsys.readouterr().err


def test_a_plain_list_of_awards_is_accepted_with_its_defaults_listed(capabilities):
    text = (
        "Recipient,Amount,Year,Region,Source URL,As-of date,Capabilities\n"
        "Example Ltd,£1.2m,2021/22,North West,https://example.org/g,2024-01-01,vaccines\n"
        "=Formula Ltd,250000,2020,Scotland,https://example.org/h,2024-01-01,mRNA\n"
    )
    result = run(text, "investments", capabilities)
    assert result.summary() == "2 rows read, 2 accepted, 0 rejected"
    accepted = result.accepted
    assert accepted[["record_type", "programme", "recipient", "itl1_code"]].values.tolist() == [
        ["award", "not stated", "Example Ltd", "TLD"],
        ["award", "not stated", "=Formula Ltd", "TLM"],
    ]
    assert accepted["public_gbp"].tolist() == [1_200_000, 250_000]
    assert accepted["capabilities"].map(list).tolist() == [["vaccines"], ["rna"]]
    assert result.notices["reason"].tolist() == [
        "the file has no record_type column: every row set to 'award'",
        "the file has no programme column: every row set to 'not stated'",
    ]
