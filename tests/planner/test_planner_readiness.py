from datetime import date

from _planner_factories import central_asia, title, venue, window

from catalogue.planner.plan import ReasonCode
from catalogue.planner.readiness import readiness


def test_matrix_cells_say_what_is_missing() -> None:
    titles = (
        title("ready"),
        title("english", subtitle_languages=frozenset({"en"})),
        title("late", renditions={"hls": date(2026, 1, 1)}),
        title("kz-only"),
    )
    rights = tuple(window(t.id, {"KZ", "UZ", "TM"}) for t in titles[:3])
    rights += (window("kz-only", {"KZ"}),)
    problem = central_asia(
        titles=titles, rights=rights, venues=(venue("kz", "KZ"), venue("uz", "UZ"))
    )
    matrix = readiness(problem)
    assert matrix.countries == ("KG", "KZ", "TJ", "TM", "UZ")
    assert matrix.cell("ready", "KZ").ready and matrix.cell("ready", "KZ").venues == ("kz",)
    english = matrix.cell("english", "UZ")
    assert english.missing is ReasonCode.NO_LOCAL_LANGUAGE
    assert english.subtitles_to_commission == ("uz",)
    assert matrix.cell("late", "KZ").missing is ReasonCode.RENDITION_NOT_READY
    assert matrix.cell("kz-only", "UZ").missing is ReasonCode.NO_RIGHTS
    assert matrix.cell("ready", "TM").missing is ReasonCode.NO_VENUE_OPEN
    assert len(matrix.cells) == 4 * 5
