"""Country resolution: addresses, seats and places of processing (graph.extract.places)."""

from __future__ import annotations

import pytest

from graph.extract.places import address_country, codes, location_countries, mostly_places, resolve_countries


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Elgendorfer Str. 57, 56410 Montabaur, DE", "DE"),
        ("Gordon House, Barrow St, Dublin 4, IE", "IE"),
        ("Merrion Road, Dublin 4, D04 X2K5, Irland", "IE"),
        ("38 avenue John F. Kennedy, L-1855, Luxemburg", "LU"),
        ("38 avenue John F. Kennedy, L-1855", "LU"),
        ("510 Townsend Street, San Francisco, CA 94103, USA", "US"),
        ("799 Market St, 8th Floor, San Francisco, CA 94103, USA ¹", "US"),
        ("Redmond, WA 98052-6399. USA", "US"),
        ("5605 Avenue de Gaspé #204, Montréal, QC H2T 2A4, CA", "CA"),
        ("Karlovo nám. 290/16, 120 00 Praha 2, CZ", "CZ"),
        ("Švitrigailos str. 34, 03230 Vilnius\nLitauen", "LT"),
        ("970 Toa Payoh North #07-04, Singapore", "SG"),
        ("1 Grand Canal Street Lower, Dublin, D02 H210, Irland", "IE"),
        ("Level 6, 341 George Street, Sydney NSW 2000, Australien", "AU"),
        ("2 Castle Boulevard, Nottingham NG7 1FB, United Kingdom", "GB"),
        ("1 Main Street, Springfield, IL 62701", "US"),
        ("Paris (France)", "FR"),
        ("(Dublin, Ireland)", "IE"),
    ],
)
def test_address_country(address: str, expected: str) -> None:
    assert address_country(address) == expected


def test_address_country_takes_the_last_country() -> None:
    # the entity name mentions Ireland, the address ends in Luxembourg
    assert address_country("Acme Ireland Limited, 5 Rue Plaetis, L-2338 Luxembourg") == "LU"


def test_five_digit_postcode_needs_a_default() -> None:
    assert address_country("Musterweg 4, 01662 Zellerbach-Nord") is None
    assert address_country("Musterweg 4, 01662 Zellerbach-Nord", default="DE") == "DE"
    assert address_country("Hosting", default="DE") is None


def test_address_without_country_is_none() -> None:
    assert address_country("Industriestraße 25") is None
    assert address_country("") is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Deutschland / EU", ["DE", "EU"]),
        ("EU (CZ)", ["CZ"]),
        ("EU (LT/CY)", ["LT", "CY"]),
        ("EU / USA²", ["EU", "US"]),
        ("USA / EU", ["US", "EU"]),
        ("Irland, USA¹", ["IE", "US"]),
        ("Europäische Union", ["EU"]),
        ("EWR", ["EU"]),
        ("EEA", ["EU"]),
        ("European Economic Area", ["EU"]),
        ("Frankreich, Belgien", ["FR", "BE"]),
        ("United States", ["US"]),
        ("DE", ["DE"]),
        ("DE, AT", ["DE", "AT"]),
        ("innerhalb der Europäischen Union (z. B. Frankfurt am Main)", ["EU", "DE"]),
        ("EU (Frankfurt, Germany)", ["DE"]),
    ],
)
def test_location_countries(cell: str, expected: list[str]) -> None:
    assert codes(location_countries(cell)) == expected


def test_compound_words_are_not_places() -> None:
    assert codes(resolve_countries("keine IP-Adressen für EU-Nutzer")) == []
    assert codes(resolve_countries("Die EU-Kommission hat entschieden")) == []


def test_lowercase_words_are_not_codes() -> None:
    # "in", "us", "de", "at" are words, not Indiana/US/Germany/Austria
    assert codes(resolve_countries("data stored in us-east by us at de facto rates")) == []


def test_state_code_before_zip_is_not_a_country() -> None:
    hits = resolve_countries("San Francisco, CA 94103")
    assert "CA" not in codes(hits)
    assert codes(hits) == ["US"]


def test_hits_carry_offsets() -> None:
    text = "Server in Irland und USA"
    for code, start, end in resolve_countries(text):
        assert code in ("IE", "US")
        assert text[start:end] in ("Irland", "USA")


def test_mostly_places() -> None:
    assert mostly_places("EU (Frankfurt, Germany)")
    assert mostly_places("USA / EU")
    assert not mostly_places("Hosting (USA) of the main platform and its databases")
    assert not mostly_places("Charlie Support Inc. 500 Main St Austin, TX 78701, USA")
    assert not mostly_places("Hosting")


def test_legal_act_numbers_are_not_country_codes() -> None:
    assert codes(resolve_countries("Entscheidung 2000/518/EG")) == []
    assert codes(resolve_countries("Decision 2021/914/EU of the Commission")) == []
    assert codes(resolve_countries("USA / EU")) == ["US", "EU"]


def test_european_place_adjective_is_eu() -> None:
    assert codes(resolve_countries("nur die europäischen Edge-Standorte")) == ["EU"]
    assert codes(resolve_countries("served from European data centres")) == ["EU"]
    assert codes(resolve_countries("Angemessenheitsbeschluss der Europäischen Kommission")) == []
