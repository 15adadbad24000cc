"""Every string a user reads exists in Bahasa Indonesia and in English, with the same blanks."""

from __future__ import annotations

import re

import pytest

from facilitator import i18n

FIELDS = re.compile(r"\{(\w+)\}")


def test_both_languages_have_the_same_keys():
    ids, ens = i18n.catalog("id"), i18n.catalog("en")
    assert sorted(set(ids) - set(ens)) == []
    assert sorted(set(ens) - set(ids)) == []


@pytest.mark.parametrize("key", sorted(i18n.catalog("id")))
def test_both_languages_fill_in_the_same_blanks(key):
    assert set(FIELDS.findall(i18n.catalog("id")[key])) == set(
        FIELDS.findall(i18n.catalog("en").get(key, "")))


def test_no_string_is_left_empty():
    for lang in i18n.LANGUAGES:
        assert [k for k, v in i18n.catalog(lang).items() if not v.strip()] == []


def test_numbers_read_as_the_user_writes_them():
    i18n.set_language("id")
    assert i18n.number(2.8) == "2,8" and i18n.integer(3000) == "3.000"
    i18n.set_language("en")
    assert i18n.number(2.8) == "2.8" and i18n.integer(3000) == "3,000"
