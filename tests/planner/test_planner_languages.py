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


def test_a_paris_audience_is_served_in_french_before_widely_spoken_english() -> None:
    from dataclasses import replace

    from _planner_factories import YEAR, planned, title, venue, window

    from catalogue.planner import Problem

    film = title("t0", subtitle_languages=frozenset({"en", "fr"}))
    problem = Problem(
        countries=frozenset({"FR"}),
        period=YEAR,
        titles=(film,),
        rights=(window("t0", {"FR"}),),
        venues=(venue("paris", "FR"),),
    )
    assert "en" in country_languages("FR")  # English passes the share rule in France...
    plan = planned(problem)
    assert [s.language for s in plan.screenings] == ["fr"]  # ...but French is official
    english_only = replace(problem, titles=(replace(film, subtitle_languages=frozenset({"en"})),))
    assert [s.language for s in planned(english_only).screenings] == ["en"]
