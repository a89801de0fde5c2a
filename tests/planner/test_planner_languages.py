from catalogue.planner.languages import country_languages, normalise_language


def test_normalise_scripts_regions_and_written_standards() -> None:
    assert normalise_language("uz_Cyrl") == "uz"
    assert normalise_language("zh_Hans") == "zh"
    assert normalise_language("pt-BR") == "pt"
    assert normalise_language("gsw") == "de"
    assert normalise_language("rus") == "ru"


def test_official_languages_of_kazakhstan() -> None:
    assert country_languages("KZ") == {"kk", "ru"}


def test_de_facto_language_counts() -> None:
    assert "en" in country_languages("US")


def test_population_share_threshold_adds_widely_spoken_languages() -> None:
    assert "ru" not in country_languages("TJ")  # 12% in CLDR
    assert "ru" in country_languages("TJ", min_population_share=10.0)
