"""docs/report-figures.md is the one source of the definitions: every figure has one, the PDF prints them."""

from reports import definitions, figures


def test_every_figure_is_defined_in_the_appendix():
    by_key = definitions.sections_by_key()

    assert set(by_key) == set(figures.FIGURES)
    assert all(section.in_appendix for section in by_key.values())
    titles = [section.title for section in definitions.appendix()]
    assert titles[0] == "Allgemeine Regeln"
    assert "Maskierung kleiner Fallzahlen" in titles
    assert "Bundesstatistik zum 31. Januar (WoBerichtsG)" not in titles


def test_definitions_state_the_rules_that_decide_the_numbers():
    text = " ".join(section.text for section in definitions.appendix())

    for rule in [
        "Der erste und der letzte Tag zählen immer mit",
        "Personen mit Sperrvermerk",
        "vollendeten Lebensjahren am letzten Tag des Zeitraums",
        "als am 1. Januar dieses Jahres geboren",
        "deren Zugehörigkeit den Zeitraum berührt",
        "plus alle in der Akte eingetragenen Haushaltsmitglieder",
        "selben Zeitraum 6 Monate früher",
        "belegte Platztage ÷ Platztage",
    ]:
        assert rule in text, rule


def test_converter_renders_lists_code_and_bold_and_escapes_html():
    html = definitions.render(
        "Ein **fetter** Satz mit `code` und <b>HTML</b>, Klient\\*innen.\n\n* erster\n  Punkt\n* zweiter\n  1. innen"
    )

    assert html == (
        "<p>Ein <strong>fetter</strong> Satz mit <code>code</code> und &lt;b&gt;HTML&lt;/b&gt;, Klient*innen.</p>"
        "<ul><li>erster Punkt</li><li>zweiter<ol><li>innen</li></ol></li></ul>"
    )


def test_a_wrapped_date_is_no_numbered_list():
    html = definitions.render("Einzüge vom 1. April bis\n30. Juni 2026.\n\n* vom 1. Juli bis\n  30. September")

    assert html == "<p>Einzüge vom 1. April bis 30. Juni 2026.</p><ul><li>vom 1. Juli bis 30. September</li></ul>"
